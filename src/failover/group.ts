// The FailoverGroup kind lives beside Policy in src/policy (validate loads only policy code);
// failover code imports it from here.
export * from '../policy/failover-group.ts';
