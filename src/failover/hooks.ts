// Runs a group's hook (an argv without a shell, or an HTTP call) with its timeout. The result is
// what the run records: ok, exit status or HTTP status, a short output tail — never credentials
// (hook URLs are recorded without their query string or user info).
import { execFile } from 'node:child_process';
import type { HookSpec } from './group.ts';

export interface HookResult {
  ok: boolean;
  detail: string;
}

export interface HookContext {
  runId: string;
  group: string;
  kind: string;
  step: string;
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

export async function runHook(hook: HookSpec, ctx: HookContext): Promise<HookResult> {
  if (hook.exec) {
    const [program, ...args] = hook.exec;
    return new Promise((resolve) => {
      execFile(
        program!,
        args,
        {
          timeout: hook.timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: 1024 * 1024,
          env: { ...process.env, NASORCH_RUN_ID: ctx.runId, NASORCH_GROUP: ctx.group, NASORCH_KIND: ctx.kind, NASORCH_STEP: ctx.step },
        },
        (err, stdout, stderr) => {
          const tail = `${stdout}${stderr}`.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
          if (!err) return resolve({ ok: true, detail: `${program} exited 0${tail ? `: ${tail}` : ''}` });
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
          const why = e.killed ? `timed out after ${hook.timeoutMs / 1000}s` : typeof e.code === 'number' ? `exited ${e.code}` : `could not run (${e.code ?? e.message})`;
          resolve({ ok: false, detail: `${program} ${why}${tail ? `: ${tail}` : ''}` });
        },
      );
    });
  }
  const http = hook.http!;
  try {
    const response = await fetch(http.url, {
      method: http.method,
      headers: { 'Content-Type': 'application/json' },
      ...(http.method === 'GET' ? {} : { body: JSON.stringify(ctx) }),
      signal: AbortSignal.timeout(hook.timeoutMs),
      redirect: 'manual',
    });
    await response.text().catch(() => '');
    return { ok: response.ok, detail: `${http.method} ${safeUrl(http.url)} answered ${response.status}` };
  } catch (err) {
    return { ok: false, detail: `${http.method} ${safeUrl(http.url)} failed: ${(err as Error).name === 'TimeoutError' ? `timed out after ${hook.timeoutMs / 1000}s` : (err as Error).message}` };
  }
}
