/**
 * The AWS rules the local runtime enforces, each on by default and switched off by one variable
 * (`local/README.md`, "Fidelity", lists them with what each catches). A switch is off when its variable is
 * `0`, `false` or `off`; the SES sandbox is the one rule that is off unless asked for, as on an account
 * with production access.
 */
export interface Strictness {
  /** `VIGIL_LOCAL_SMS_COUNTRY_POLICY`: SMS only to the countries of `smsAllowedCountries` (infra/config.ts). */
  smsCountryPolicy: boolean;
  /** `VIGIL_LOCAL_SMS_OPT_OUT`: the opt-out list refuses its numbers. */
  smsOptOut: boolean;
  /** `VIGIL_LOCAL_SES_SANDBOX=1`: only verified recipients (`VIGIL_LOCAL_SES_VERIFIED`). Off by default. */
  sesSandbox: boolean;
  /** `VIGIL_LOCAL_SES_VERIFIED`: comma-separated addresses or domains the sandbox accepts. */
  sesVerified: string[];
  /** `VIGIL_LOCAL_SES_RATE`: maximum sends per second; unset = no limit. */
  sesRatePerSecond: number | undefined;
  /** `VIGIL_LOCAL_LAMBDA_ISOLATION`: one set of worker-thread environments per function. */
  lambdaIsolation: boolean;
  /** `VIGIL_LOCAL_LAMBDA_TIMEOUT`: the function's timeout from infra/function-settings.ts. */
  lambdaTimeout: boolean;
  /**
   * `VIGIL_LOCAL_LAMBDA_CONCURRENCY`: environments per function at most (default 2: on a 2-core machine, 4
   * measured slower and ≈ 400 MB larger in the end-to-end bench, BENCHMARKS.md §5).
   */
  lambdaMaxEnvironments: number;
  /** `VIGIL_LOCAL_SFN_LIMITS`: 25,000 history events, 256 KiB payloads. */
  sfnLimits: boolean;
  /** `VIGIL_LOCAL_SFN_RETRY_TIMING`: Retry intervals, backoff, cap and jitter on the virtual clock. */
  sfnRetryTiming: boolean;
  /** `VIGIL_LOCAL_IAM`: every AWS call a function makes is checked against its synthesized role policy. */
  iam: boolean;
  /**
   * `VIGIL_LOCAL_FOREGROUND_FIRST`: while API requests are being answered, workflow tasks other than
   * containment and the clocks run one at a time (local/foreground-first.ts): the functions share the
   * machine's cores here, where on AWS each invocation has its own, so a burst's workflows must not starve
   * its intake. A scheduling rule, not an AWS one: off, every task runs as soon as it is due.
   */
  foregroundFirst: boolean;
}

const isOff = (value: string | undefined) => value !== undefined && /^(0|false|off|no)$/i.test(value.trim());
const isOn = (value: string | undefined) => value !== undefined && /^(1|true|on|yes)$/i.test(value.trim());

/** Reads the switches from an environment. */
export function localStrictness(env: Record<string, string | undefined>): Strictness {
  const rate = Number(env.VIGIL_LOCAL_SES_RATE);
  const concurrency = Number(env.VIGIL_LOCAL_LAMBDA_CONCURRENCY);
  const lambdaIsolation = !isOff(env.VIGIL_LOCAL_LAMBDA_ISOLATION);
  return {
    smsCountryPolicy: !isOff(env.VIGIL_LOCAL_SMS_COUNTRY_POLICY),
    smsOptOut: !isOff(env.VIGIL_LOCAL_SMS_OPT_OUT),
    sesSandbox: isOn(env.VIGIL_LOCAL_SES_SANDBOX),
    sesVerified: (env.VIGIL_LOCAL_SES_VERIFIED ?? "")
      .split(",")
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
    sesRatePerSecond: Number.isFinite(rate) && rate > 0 ? rate : undefined,
    lambdaIsolation,
    lambdaTimeout: !isOff(env.VIGIL_LOCAL_LAMBDA_TIMEOUT),
    lambdaMaxEnvironments: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 2,
    sfnLimits: !isOff(env.VIGIL_LOCAL_SFN_LIMITS),
    sfnRetryTiming: !isOff(env.VIGIL_LOCAL_SFN_RETRY_TIMING),
    // Identity comes from a function's own environment: without isolation there is none to check.
    iam: lambdaIsolation && !isOff(env.VIGIL_LOCAL_IAM),
    foregroundFirst: !isOff(env.VIGIL_LOCAL_FOREGROUND_FIRST),
  };
}
