// Exports of the current picture, always in the light palette: SVG text and a PNG data URL.
import { CanvasPainter } from '../render/canvas-painter';
import { drawMap } from '../render/draw-map';
import { LIGHT } from '../render/palette';
import { buildScene, type SceneInput } from '../render/scene';
import { SvgPainter } from '../render/svg-painter';

function measurer(): (text: string, font: string) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  return (text, font) => {
    if (!ctx) return text.length * 6.5;
    ctx.font = font;
    return ctx.measureText(text).width;
  };
}

export function exportSvg(input: SceneInput, widthPx: number, title: string): string {
  const measure = measurer();
  const painter = new SvgPainter(LIGHT.font, measure);
  const scene = buildScene({ ...input, hover: undefined }, widthPx, LIGHT, (text, bold) =>
    painter.measureText(text, { size: 10, bold }),
  );
  drawMap(painter, scene);
  return painter.toString(scene.geometry.width, scene.geometry.height, title, LIGHT.background);
}

export function exportPng(input: SceneInput, widthPx: number, scale = 2): string {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  const painter = new CanvasPainter(ctx, LIGHT.font, scale);
  const scene = buildScene({ ...input, hover: undefined }, widthPx, LIGHT, (text, bold) =>
    painter.measureText(text, { size: 10, bold }),
  );
  canvas.width = Math.round(scene.geometry.width * scale);
  canvas.height = Math.round(scene.geometry.height * scale);
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  drawMap(painter, scene);
  return canvas.toDataURL('image/png');
}
