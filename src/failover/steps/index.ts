// Step name → implementation (step names are the plan's, see plan.ts).
import type { StepContext, StepOutcome } from './context.ts';
import { evidenceStep, hookStep, precheckStep } from './group-steps.ts';
import { invertStep, settleActiveStep, settleHaltStep, settleReverseStep, stateToggleStep, verifyAuthoritativeStep, verifyZeroLossStep } from './mirror-steps.ts';
import { fenceStep, snapshotStep, unfenceStep } from './volume-steps.ts';

export const STEP_IMPLEMENTATIONS: Record<string, (ctx: StepContext) => Promise<StepOutcome>> = {
  precheck: precheckStep,
  evidence: evidenceStep,
  'snapshot-pre': snapshotStep('pre'),
  'snapshot-prewipe': snapshotStep('prewipe', true),
  'snapshot-point': snapshotStep('point'),
  fence: fenceStep,
  unfence: unfenceStep,
  stop: stateToggleStep('stop'),
  start: stateToggleStep('start'),
  invert: invertStep,
  'settle-halt': settleHaltStep,
  'settle-reverse': settleReverseStep,
  'settle-active': settleActiveStep,
  'verify-zero-loss': verifyZeroLossStep,
  verify: verifyAuthoritativeStep,
  'hook-quiesce': hookStep('quiesce'),
  'hook-fence': hookStep('fence'),
  'hook-unfence': hookStep('unfence'),
  'hook-promote': hookStep('promote'),
  'hook-verify': hookStep('verify'),
  'hook-probe': hookStep('probe'),
};

export type { StepContext, StepOutcome } from './context.ts';
