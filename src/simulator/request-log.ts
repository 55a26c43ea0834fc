// Every request the simulator answered, oldest first, so tests can count calls (token
// requests, retries) and the demo can show traffic.
import type { SimRequestRecord } from './contract.ts';

export class RequestLog {
  private readonly records: SimRequestRecord[] = [];

  add(record: SimRequestRecord): void {
    this.records.push(record);
  }

  all(): SimRequestRecord[] {
    return this.records.map((r) => ({ ...r, at: new Date(r.at) }));
  }
}
