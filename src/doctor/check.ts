/** One line of `qrsfix doctor`: what was checked, how it came out, and the fix when it failed. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
export const warnOf = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'warn', detail, fix });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });
export const skip = (check: string, why: string): CheckResult => ({ check, status: 'skip', detail: why });

/** The failure of an expected error (a QrsfixError's message and hint), or a plain one. */
export function failFrom(check: string, err: unknown, fallbackFix: string): CheckResult {
  const e = err as { message?: string; hint?: string };
  return fail(check, e?.message ?? String(err), e?.hint ?? fallbackFix);
}
