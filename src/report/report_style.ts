/** The report's stylesheet, inlined: the page loads nothing. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #222; --muted: #666; --line: #ddd; --accent: #1b6ca8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--ink); margin: 0 auto; padding: 24px; max-width: 1100px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-top: 40px; }
h3 { font-size: 16px; margin: 24px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 4px; }
p.lead { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left; vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font-size: 12px; }
code { font-size: 12px; }
figure.plot { margin: 12px 0 20px; overflow-x: auto; }
figure.plot svg { max-width: 100%; height: auto; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.provenance dt { font-weight: 600; }
dl.provenance dd { margin: 0; word-break: break-word; }
nav ul { padding-left: 18px; }
`;
