/**
 * Text for HTML: every user string in the report (CSV headers, ids, file names, option values) goes through here, so a
 * header such as `<script>` or `"onload=` shows as text and never becomes markup.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}
