// One problem found in a policy file, located precisely enough for an editor to jump to it.

export interface PolicyErrorInit {
  file: string;
  /** 1-based; absent when the problem concerns the whole file or directory (e.g. it is missing). */
  line?: number;
  /** 1-based column of the node the problem is about. */
  col?: number;
  /** Dotted path of the field, e.g. "spec.snapshot.retention.keepDaily"; "" for the document itself. */
  path: string;
  message: string;
}

export class PolicyError {
  readonly file: string;
  readonly line: number | undefined;
  readonly col: number | undefined;
  readonly path: string;
  readonly message: string;

  constructor(init: PolicyErrorInit) {
    this.file = init.file;
    this.line = init.line;
    this.col = init.col;
    this.path = init.path;
    this.message = init.message;
  }

  /** The one-line form `file:line:col: path: message` that editors and CI logs understand. */
  format(): string {
    const where = this.line === undefined ? this.file : `${this.file}:${this.line}:${this.col ?? 1}`;
    return this.path ? `${where}: ${this.path}: ${this.message}` : `${where}: ${this.message}`;
  }

  toString(): string {
    return this.format();
  }
}

/** Orders errors by file (in the given file order), then by position, so output reads top to bottom. */
export function sortPolicyErrors(errors: PolicyError[], fileOrder: string[]): PolicyError[] {
  const rank = new Map(fileOrder.map((file, index) => [file, index]));
  const fileRank = (e: PolicyError) => rank.get(e.file) ?? -1;
  return [...errors].sort(
    (a, b) => fileRank(a) - fileRank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0),
  );
}
