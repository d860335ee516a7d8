import { OptionError } from '../../core/errors.ts';

/**
 * NAB's application profiles (numenta/NAB `config/profiles.json`): the weights of a true positive, a false positive,
 * a false negative and a true negative. `tnWeight` is carried for completeness; NAB's scorer never uses it (true
 * negatives score 0 in every profile).
 */
export interface CostProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

export type ProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

export const PROFILE_NAMES: readonly ProfileName[] = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];

/** The three official profiles, as in NAB's `config/profiles.json`. */
export const NAB_PROFILES: Readonly<Record<ProfileName, Readonly<CostProfile>>> = {
  standard: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0, tnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0, tnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0, tnWeight: 1.0 },
};

/** Checks a profile's weights: finite and non-negative (a negative weight would flip a reward into a cost). */
export function checkProfile(profile: CostProfile, where: string): CostProfile {
  for (const key of ['tpWeight', 'fpWeight', 'fnWeight', 'tnWeight'] as const) {
    const v = profile[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new OptionError(`${where}: the profile's '${key}' must be a finite number >= 0. Got ${JSON.stringify(v)} instead.`);
    }
  }
  return profile;
}

/**
 * Reads NAB's `profiles.json` layout: `{ <name>: { CostMatrix: { tpWeight, fpWeight, fnWeight, tnWeight } } }`.
 * `source` names the file in errors.
 */
export function parseProfiles(json: unknown, source: string): Record<string, CostProfile> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new OptionError(`${source}: expected an object of profiles { name: { CostMatrix: {...} } }. Got ${describe(json)} instead.`);
  }
  const out: Record<string, CostProfile> = {};
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    const matrix = (entry as { CostMatrix?: unknown } | null)?.CostMatrix;
    if (matrix === null || typeof matrix !== 'object') {
      throw new OptionError(`${source}: profile '${name}' has no 'CostMatrix' object. Got ${describe(entry)} instead.`);
    }
    const m = matrix as Record<string, unknown>;
    out[name] = checkProfile(
      { tpWeight: m.tpWeight, fpWeight: m.fpWeight, fnWeight: m.fnWeight, tnWeight: m.tnWeight } as CostProfile,
      `${source}, profile '${name}'`,
    );
  }
  return out;
}

function describe(v: unknown): string {
  return v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : JSON.stringify(v)?.slice(0, 80) ?? String(v);
}
