// The HTML report: plots rendered to SVG at build time (Vega-Lite), one self-contained page, PNG export of each plot.
export { buildReport, DEFAULT_REPORT_TOP, topRows, topSegments } from './report.ts';
export type { Report, ReportInput, RenderedPlot, RowExplanation } from './report.ts';
export { writeReportHtml, writeReportPngs } from './write.ts';
export { renderSvg, svgToPng } from './render.ts';
export { escapeHtml } from './escape.ts';
export { describeThreshold } from './threshold-text.ts';
export { overlayPng, overlaySvg, type OverlayImage, type OverlayOptions } from './overlay.ts';
