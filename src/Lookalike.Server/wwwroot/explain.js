// Why two photos look alike (heat-maps over both photos, shared metadata, colour swatches) and drawing a box on the
// query photo to search one part of it. Used by app.js through window.LookalikeExplain; plain DOM, no build step.
"use strict";

window.LookalikeExplain = (() => {
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  /** Where an <img> with object-fit: contain actually shows its picture, in px relative to its offset parent. */
  function contentRect(img) {
    const w = img.clientWidth, h = img.clientHeight;
    const nw = img.naturalWidth || w, nh = img.naturalHeight || h;
    const scale = Math.min(w / nw, h / nh) || 1;
    const cw = nw * scale, ch = nh * scale;
    return { left: img.offsetLeft + (w - cw) / 2, top: img.offsetTop + (h - ch) / 2, width: cw, height: ch };
  }

  /**
   * The usual heat-map colours: from blue (adds little) through green and yellow to red (adds most), relative to the
   * largest cell; cells that take from the score are dark violet.
   */
  function heatColour(value, scale) {
    const t = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
    return t >= 0
      ? `hsla(${Math.round(240 * (1 - t))},100%,50%,${(0.3 + 0.25 * t).toFixed(3)})`
      : `hsla(270,80%,18%,${(0.3 - 0.35 * t).toFixed(3)})`;
  }

  const maxAbs = (grid) => Math.max(0, ...grid.flat().map(Math.abs));

  /**
   * Lays <side>'s grid over <img> inside <layer> (a positioned element covering the img's offset parent): the grid
   * covers side.area, the part of the photo the model saw, in fractions of the photo.
   */
  function drawHeat(layer, img, side, scale) {
    const photo = contentRect(img);
    const a = side.area;
    layer.replaceChildren();
    layer.style.left = `${photo.left + a.x * photo.width}px`;
    layer.style.top = `${photo.top + a.y * photo.height}px`;
    layer.style.width = `${a.width * photo.width}px`;
    layer.style.height = `${a.height * photo.height}px`;
    layer.style.gridTemplateColumns = `repeat(${side.cols}, 1fr)`;
    layer.style.gridTemplateRows = `repeat(${side.rows}, 1fr)`;
    for (const row of side.grid) {
      for (const value of row) {
        const cell = el("i");
        cell.style.background = heatColour(value, scale);
        layer.append(cell);
      }
    }
    layer.hidden = false;
  }

  function swatches(colours) {
    const strip = el("span", "swatches");
    for (const c of colours) {
      const swatch = el("i", "swatch");
      swatch.style.background = c.hex;
      swatch.title = `${c.hex} · ${Math.round(c.share * 100)}%`;
      swatch.style.flexGrow = String(Math.max(0.15, c.share));
      strip.append(swatch);
    }
    return strip;
  }

  /** Fills <panel> with what two photos share: score and method, metadata, colours. */
  function renderWhy(panel, explanation, rank) {
    panel.replaceChildren();
    const head = el("div", "why-head");
    head.append(el("strong", "", `Why #${rank} looks alike`), el("span", "why-score", ` score ${explanation.score.toFixed(3)}`));
    const method = el("span", "why-method", explanation.method === "exact" ? " · exact split" : " · first-order split");
    method.title = explanation.method === "exact"
      ? "Average pooling: each heat-map's cells add up exactly to the score."
      : "GeM or max pooling: each cell's share to first order (gradient × input); the cells add up to the score within a fraction of a percent.";
    head.append(method);
    panel.append(head);
    const facts = el("ul", "why-facts");
    for (const m of explanation.metadata) {
      facts.append(el("li", m.same ? "same" : "differs", m.same ? `same ${m.column}: ${m.queryValue}` : `${m.column}: ${m.queryValue} vs ${m.resultValue}`));
    }
    if (explanation.metadata.length === 0) facts.append(el("li", "differs", "no shared metadata to compare"));
    panel.append(facts);
    const colours = el("div", "why-colours");
    colours.append(el("span", "", "colours"), swatches(explanation.query.colours), el("span", "", "vs"), swatches(explanation.result.colours));
    panel.append(colours);
    panel.append(el("p", "why-legend", "Red regions drive the score most, blue ones little; dark violet ones take from it."));
    panel.hidden = false;
  }

  /** The common colour scale of both heat-maps of an explanation. */
  const scaleOf = (explanation) => Math.max(maxAbs(explanation.query.grid), maxAbs(explanation.result.grid));

  /**
   * Lets a person drag a box over <img> (mouse, pen or touch: pointer events) inside <layer>, which covers the img's
   * offset parent. Calls onBox({x, y, w, h}) in fractions of the photo when the drag ends on a box of at least
   * <minPixels> screen pixels a side; a tap or a tiny drag is ignored (and the box hidden).
   */
  function attachBoxDrawing(layer, img, box, onBox, minPixels = 12) {
    let start = null;
    const point = (e) => {
      const r = layer.getBoundingClientRect();
      const photo = contentRect(img);
      return {
        x: Math.max(photo.left, Math.min(photo.left + photo.width, e.clientX - r.left)),
        y: Math.max(photo.top, Math.min(photo.top + photo.height, e.clientY - r.top)),
      };
    };
    const rectOf = (a, b) => ({ left: Math.min(a.x, b.x), top: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) });
    const show = (r) => {
      Object.assign(box.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
      box.hidden = false;
    };
    layer.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 || !img.naturalWidth) return;
      e.preventDefault();
      start = point(e);
      layer.setPointerCapture(e.pointerId);
      show(rectOf(start, start));
    });
    layer.addEventListener("pointermove", (e) => { if (start) show(rectOf(start, point(e))); });
    const finish = (e) => {
      if (!start) return;
      const r = rectOf(start, point(e));
      start = null;
      if (r.width < minPixels || r.height < minPixels) { box.hidden = true; return; }
      const photo = contentRect(img);
      const f = (v) => Math.round(v * 10000) / 10000;
      onBox({
        x: f((r.left - photo.left) / photo.width),
        y: f((r.top - photo.top) / photo.height),
        w: f(Math.min(r.width / photo.width, 1 - (r.left - photo.left) / photo.width)),
        h: f(Math.min(r.height / photo.height, 1 - (r.top - photo.top) / photo.height)),
      });
    };
    layer.addEventListener("pointerup", finish);
    layer.addEventListener("pointercancel", () => { start = null; box.hidden = true; });
  }

  /** Puts a box given in fractions of the photo back on screen (after a resize or a re-render). */
  function placeBox(box, img, fractions) {
    if (!fractions) { box.hidden = true; return; }
    const photo = contentRect(img);
    Object.assign(box.style, {
      left: `${photo.left + fractions.x * photo.width}px`, top: `${photo.top + fractions.y * photo.height}px`,
      width: `${fractions.w * photo.width}px`, height: `${fractions.h * photo.height}px`,
    });
    box.hidden = false;
  }

  const boxText = (b) => `${b.x},${b.y},${b.w},${b.h}`;

  return { contentRect, drawHeat, renderWhy, scaleOf, attachBoxDrawing, placeBox, boxText };
})();
