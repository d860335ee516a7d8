/**
 * Vega-Lite specs to SVG text at build time (vega's headless 'none' renderer: no canvas, no DOM, no network) and SVG to
 * PNG (resvg, fonts from the system). The report inlines several SVGs in one page, where element ids share one
 * namespace; vega numbers its clip paths and gradients per process, so each plot's ids get the plot's own prefix.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec (data inline) to standalone SVG text; `idPrefix` keeps its ids apart from other plots'.
 * Vega-Lite's and vega's warnings (a spec they had to correct) go to `warnings` instead of the console.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix = 'p', warnings: string[] = []): Promise<string> {
  const logger = collectingLogger(warnings);
  const compiled = compile(spec, { logger }).spec;
  // A loader that refuses every URL: the specs carry their data inline, and a report build must not reach a network.
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`the report's plots use inline data only; refused to load ${uri}`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logger });
  try {
    return prefixIds(await view.toSVG(), idPrefix);
  } finally {
    view.finalize();
  }
}

function collectingLogger(warnings: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** Prefixes every `id="…"` of an SVG and the `url(#…)` / `href="#…"` references to it. */
export function prefixIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_, head: string, id: string) => `${head}${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${prefix}-${id})` : whole))
    .replace(/(href=")#([^"]+)"/g, (whole, head: string, id: string) => (ids.has(id) ? `${head}#${prefix}-${id}"` : whole));
}

/** PNG bytes of an SVG at `scale` times its size (2 = sharp on high-density screens and in slides). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', monospaceFamily: 'DejaVu Sans Mono' },
  });
  return resvg.render().asPng();
}
