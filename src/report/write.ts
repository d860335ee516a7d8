/** Writing a report: the HTML page, and each plot as a PNG file in a folder; every file written atomically. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../model-io/index.ts';
import type { Report } from './report.ts';
import { svgToPng } from './render.ts';

export async function writeReportHtml(path: string, report: Report): Promise<void> {
  await writeFileAtomic(path, report.html);
}

/** One `<plot id>.png` per plot (score-histogram.png, roc-curve.png, contributions-1.png, …); returns the paths. */
export async function writeReportPngs(dir: string, report: Report, scale = 2): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const plot of report.plots) {
    const path = join(dir, `${plot.id}.png`);
    await writeFileAtomic(path, svgToPng(plot.svg, scale));
    paths.push(path);
  }
  return paths;
}
