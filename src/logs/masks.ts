import { OptionError } from '../core/errors.ts';

/**
 * Masking of variable parts of a log message before template mining: each mask is a regular expression whose matches
 * are replaced by the wildcard `<*>` inside a token. Masks apply token by token (a token is a run of non-space
 * characters), so that a line keeps its number of tokens and every wildcard of a template points at one token of the
 * raw line: that is how parameters are read back.
 */

export const WILDCARD = '<*>';

/** Named masks. `blockId` is the HDFS block id; `core` the BGL core id (loghub's benchmark settings use both). */
export const NAMED_MASKS = {
  blockId: 'blk_-?\\d+',
  ip: '(\\d{1,3}\\.){3}\\d{1,3}(:\\d+)?',
  hex: '\\b0[xX][0-9a-fA-F]+\\b|\\b[0-9a-fA-F]{8,}\\b',
  path: '(?:/[\\w.\\-]+){2,}/?',
  number: '(?<![A-Za-z_])[-+]?\\d+(?:\\.\\d+)?(?![A-Za-z_])',
  core: 'core\\.\\d+',
} as const;

export type MaskName = keyof typeof NAMED_MASKS;
export const MASK_NAMES = Object.keys(NAMED_MASKS) as MaskName[];

/** Masks when none are asked for: identifiers and addresses, which are variables in every log we know. */
export const DEFAULT_MASKS: readonly MaskName[] = ['blockId', 'ip', 'hex', 'path'];

/**
 * Masks per loghub benchmark dataset, as the loghub parser benchmark configured Drain (logpai/logparser
 * `benchmark/Drain_benchmark.py`): HDFS `blk_(|-)[0-9]+` and IPs with optional port; BGL `core\.\d+`.
 */
export const LOGHUB_MASKS: Record<'HDFS' | 'BGL', readonly string[]> = {
  HDFS: ['blockId', 'ip'],
  BGL: ['core'],
};

/**
 * Compiles masks given by name (see NAMED_MASKS) or as regular-expression source. An entry that is neither a known
 * name nor a valid expression is an OptionError naming it.
 */
export function compileMasks(masks: readonly string[]): RegExp[] {
  return masks.map((mask) => {
    const source = (NAMED_MASKS as Record<string, string>)[mask] ?? mask;
    try {
      return new RegExp(source, 'g');
    } catch (error) {
      throw new OptionError(
        `Mask ${JSON.stringify(mask)} is neither a known mask (${MASK_NAMES.join(', ')}) nor a valid regular expression: ${(error as Error).message}`,
        { cause: error },
      );
    }
  });
}

/** Splits a message into tokens and masks each: `raw` keeps the tokens as written, `masked` the mined form. */
export function tokenize(content: string, masks: readonly RegExp[]): { raw: string[]; masked: string[] } {
  const raw = content.split(/\s+/).filter((t) => t.length > 0);
  const masked = raw.map((token) => {
    let t = token;
    for (const re of masks) {
      re.lastIndex = 0;
      t = t.replace(re, WILDCARD);
    }
    return t;
  });
  return { raw, masked };
}
