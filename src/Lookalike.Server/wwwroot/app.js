// Lookalike page: browse the catalog, open an item beside its look-alikes, or drop a photo to find its look-alikes.
// Plain DOM, no build step. Routes live in the hash: #/?where=col:val&page=N, #/item/<encoded id>, #/upload.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const PAGE_SIZE = 24;
  const NAME_COLUMNS = ["productDisplayName", "name", "title"];

  const state = {
    info: null,
    primary: null,   // the metadata column shown on cards
    upload: null,    // { file, url } of the last photo searched for
  };
  let generation = 0; // bumps on every navigation; late answers of older ones are dropped

  // ---------- API ----------

  const itemPath = (id) => "/api/items/" + encodeURIComponent(id);

  const thumbnailUrl = (id, size, hash) =>
    `${itemPath(id)}/thumbnail?size=${size}` + (hash ? `&v=${hash.slice(0, 12)}` : "");

  async function api(url, options) {
    let response;
    try {
      response = await fetch(url, options);
    } catch {
      throw new Error("The server cannot be reached. Is `lookalike serve` still running?");
    }
    if (!response.ok) throw new Error(await problemText(response));
    return response.json();
  }

  // Problem details (RFC 9457) → one readable sentence.
  async function problemText(response) {
    try {
      const problem = await response.json();
      if (problem.title && problem.detail) return `${problem.title}: ${problem.detail}`;
      if (problem.title) return problem.title;
    } catch { /* not JSON */ }
    return `The server answered ${response.status} ${response.statusText}.`;
  }

  // ---------- small view helpers ----------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(node, text, loading) {
    node.textContent = text || "";
    node.classList.toggle("loading", !!loading);
  }

  function showError(message) {
    $("error-text").textContent = message;
    $("error").hidden = false;
  }

  function clearError() {
    $("error").hidden = true;
    $("error-text").textContent = "";
  }

  const lastSegment = (id) => id.split("/").pop();

  const sizeText = (bytes) =>
    bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;

  function labelOf(metadata) {
    if (state.primary && metadata[state.primary]) return metadata[state.primary];
    const first = Object.values(metadata)[0];
    return first || "";
  }

  function subtitleOf(id, metadata) {
    for (const column of NAME_COLUMNS) if (metadata[column]) return metadata[column];
    return lastSegment(id);
  }

  /** A catalog or result card; result cards carry rank and score. */
  function card(item, result) {
    const li = el("li", "card");
    li.dataset.testid = result ? "result" : "item";
    li.dataset.id = item.id;
    const link = el("a");
    link.href = "#/item/" + encodeURIComponent(item.id);
    const thumb = el("div", "thumb");
    const img = el("img");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = labelOf(item.metadata) || lastSegment(item.id);
    img.src = thumbnailUrl(item.id, 256, item.contentHash);
    thumb.append(img);
    if (result) {
      thumb.append(el("span", "rank", `#${result.rank}`));
      const score = el("span", "score", result.score.toFixed(3));
      score.dataset.testid = "score";
      score.title = "cosine similarity";
      thumb.append(score);
    }
    link.append(thumb);
    if (result) {
      const bar = el("div", "scorebar");
      const fill = el("i");
      fill.style.width = `${Math.max(0, Math.min(1, result.score)) * 100}%`;
      bar.append(fill);
      link.append(bar);
    }
    const caption = el("div", "caption");
    caption.append(el("span", "label", labelOf(item.metadata) || lastSegment(item.id)));
    caption.append(el("span", "sub", subtitleOf(item.id, item.metadata)));
    link.append(caption);
    li.append(link);
    return li;
  }

  function fillMeta(metadata, extra) {
    const dl = $("query-meta");
    dl.replaceChildren();
    for (const [key, value] of [...Object.entries(metadata || {}), ...(extra || [])]) {
      dl.append(el("dt", "", key), el("dd", "", value));
    }
  }

  // ---------- catalog ----------

  function catalogParams() {
    const query = new URLSearchParams(location.hash.split("?")[1] || "");
    const where = query.get("where") || "";
    const at = where.indexOf(":");
    return {
      column: at > 0 ? where.slice(0, at) : (state.primary || ""),
      value: at > 0 ? where.slice(at + 1) : "",
      page: Math.max(1, parseInt(query.get("page") || "1", 10) || 1),
    };
  }

  function catalogHash(column, value, page) {
    const query = new URLSearchParams();
    if (column && value) query.set("where", `${column}:${value}`);
    if (page > 1) query.set("page", String(page));
    const text = query.toString();
    return "#/" + (text ? "?" + text : "");
  }

  function fillFilters(column, value) {
    const columns = (state.info?.columns || []).filter((c) => c.values.length > 1);
    const columnSelect = $("filter-column");
    columnSelect.replaceChildren(...columns.map((c) => new Option(c.name, c.name)));
    columnSelect.value = column;
    columnSelect.disabled = columns.length === 0;
    const facet = columns.find((c) => c.name === column);
    const valueSelect = $("filter-value");
    valueSelect.replaceChildren(new Option("All", ""), ...(facet?.values || []).map((v) => new Option(`${v.value} (${v.count})`, v.value)));
    valueSelect.value = value;
    valueSelect.disabled = !facet;
  }

  async function showCatalog() {
    const my = ++generation;
    $("detail").hidden = true;
    $("catalog").hidden = false;
    const { column, value, page } = catalogParams();
    fillFilters(column, value);
    const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (column && value) query.append("where", `${column}:${value}`);
    setStatus($("grid-status"), "Loading the catalog…", true);
    $("grid").setAttribute("aria-busy", "true");
    try {
      const result = await api(`/api/items?${query}`);
      if (my !== generation) return;
      $("grid").replaceChildren(...result.items.map((item) => card(item)));
      const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
      $("page-label").textContent = `Page ${result.page} of ${pages}`;
      $("prev").disabled = result.page <= 1;
      $("next").disabled = result.page >= pages;
      setStatus($("grid-status"), result.total === 0
        ? "No items match this filter."
        : `${result.total.toLocaleString("en")} item${result.total === 1 ? "" : "s"}${value ? ` with ${column} = ${value}` : ""}. Click one to see its look-alikes.`);
    } catch (error) {
      if (my !== generation) return;
      $("grid").replaceChildren();
      setStatus($("grid-status"), "The catalog could not be loaded.");
      showError(error.message);
    } finally {
      if (my === generation) $("grid").removeAttribute("aria-busy");
    }
  }

  // ---------- detail: an item or an uploaded photo beside its look-alikes ----------

  function showDetailFrame() {
    $("catalog").hidden = true;
    $("detail").hidden = false;
    $("results").replaceChildren();
    window.scrollTo(0, 0);
  }

  function renderResults(result, my) {
    if (my !== generation) return;
    $("results").replaceChildren(...result.results.map((r) => card(r, r)));
    setStatus($("results-status"), result.results.length === 0
      ? "No look-alikes found."
      : `Top ${result.results.length} by cosine similarity (1 = identical).`);
  }

  async function showItem(id) {
    const my = ++generation;
    showDetailFrame();
    const image = $("query-image");
    image.hidden = false;
    image.src = thumbnailUrl(id, 512);
    image.alt = lastSegment(id);
    $("query-caption").textContent = lastSegment(id);
    $("query-original").href = `${itemPath(id)}/image`;
    $("query-original").hidden = false;
    fillMeta({}, [["item", id]]);
    setStatus($("results-status"), "Finding look-alikes…", true);
    const k = $("k").value;
    const [item, similar] = await Promise.allSettled([
      api(itemPath(id)),
      api(`${itemPath(id)}/similar?k=${k}`),
    ]);
    if (my !== generation) return;
    if (item.status === "fulfilled") {
      $("query-caption").textContent = subtitleOf(id, item.value.metadata);
      fillMeta(item.value.metadata, [["item", id]]);
    }
    if (similar.status === "fulfilled") {
      renderResults(similar.value, my);
    } else {
      setStatus($("results-status"), "No look-alikes to show.");
      showError(similar.reason.message);
    }
  }

  async function showUpload() {
    const upload = state.upload;
    if (!upload) { location.hash = "#/"; return; }
    const my = ++generation;
    showDetailFrame();
    const image = $("query-image");
    image.hidden = false;
    image.onerror = () => { image.hidden = true; };
    image.src = upload.url;
    image.alt = "Your photo";
    $("query-caption").textContent = `Your photo: ${upload.file.name}`;
    $("query-original").hidden = true;
    fillMeta({}, [["file", upload.file.name], ["size", sizeText(upload.file.size)]]);
    setStatus($("results-status"), "Finding look-alikes of your photo…", true);
    const form = new FormData();
    form.append("image", upload.file, upload.file.name);
    form.append("k", $("k").value);
    try {
      renderResults(await api("/api/search", { method: "POST", body: form }), my);
    } catch (error) {
      if (my !== generation) return;
      setStatus($("results-status"), "No look-alikes: the photo could not be used.");
      showError(error.message);
    }
  }

  function searchPhoto(file) {
    if (!file) return;
    clearError();
    if (state.upload) URL.revokeObjectURL(state.upload.url);
    state.upload = { file, url: URL.createObjectURL(file) };
    if (location.hash === "#/upload") route();
    else location.hash = "#/upload";
  }

  // ---------- routing and wiring ----------

  function route() {
    const hash = location.hash || "#/";
    if (hash.startsWith("#/item/")) {
      clearError();
      let id;
      try { id = decodeURIComponent(hash.slice("#/item/".length)); } catch { id = ""; }
      if (id) return showItem(id);
    }
    if (hash === "#/upload") return showUpload();
    clearError();
    return showCatalog();
  }

  // The column shown on cards and filtered by default: a category-like name when it has a value list, else the
  // first column with a handful of values.
  function choosePrimary(columns) {
    const listed = columns.filter((c) => c.values.length > 1);
    const preferred = listed.find((c) => /^(class|category|articletype|producttype|type)$/i.test(c.name));
    const small = listed.find((c) => c.values.length <= 60);
    return (preferred || small || listed[0] || columns[0] || {}).name || null;
  }

  async function start() {
    $("file-input").addEventListener("change", (event) => {
      searchPhoto(event.target.files[0]);
      event.target.value = ""; // the same file again fires change again
    });
    $("filter-column").addEventListener("change", (e) => { location.hash = catalogHash(e.target.value, "", 1); });
    $("filter-value").addEventListener("change", (e) => { location.hash = catalogHash($("filter-column").value, e.target.value, 1); });
    $("prev").addEventListener("click", () => { const p = catalogParams(); location.hash = catalogHash(p.column, p.value, p.page - 1); });
    $("next").addEventListener("click", () => { const p = catalogParams(); location.hash = catalogHash(p.column, p.value, p.page + 1); });
    $("k").addEventListener("change", route);
    $("error-dismiss").addEventListener("click", clearError);

    // Drag and drop anywhere on the page.
    let depth = 0;
    const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes("Files");
    document.addEventListener("dragenter", (e) => { if (!hasFiles(e)) return; e.preventDefault(); depth++; $("drop-overlay").hidden = false; });
    document.addEventListener("dragover", (e) => { if (hasFiles(e)) e.preventDefault(); });
    document.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (depth === 0) $("drop-overlay").hidden = true; });
    document.addEventListener("drop", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      $("drop-overlay").hidden = true;
      searchPhoto(e.dataTransfer.files[0]);
    });

    window.addEventListener("hashchange", route);
    try {
      state.info = await api("/api/info");
      state.primary = choosePrimary(state.info.columns);
      $("catalog-count").textContent = `${state.info.items.toLocaleString("en")} items · ${state.info.model.split("@")[0]} · ${state.info.index}`;
    } catch (error) {
      showError(error.message);
    }
    document.body.dataset.ready = "true";
    route();
  }

  start();
})();
