/**
 * SVG to PNG in-process with resvg (a Rust renderer shipped as a prebuilt npm package: no network,
 * no browser). renderAsync works on libuv's thread pool, so a chart never stalls other turns.
 * Text needs a TrueType font on the machine (fonts-dejavu-core on Debian); without one the bars,
 * line and dots still render, only the labels are missing.
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  // Loaded on the first chart, not at start-up: its native module costs about 7 MB of RSS.
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    // Twice the SVG's size: crisp on high-density screens, still small to upload.
    fitTo: { mode: 'zoom', value: 2 },
    logLevel: 'off',
  });
  return image.asPng();
}
