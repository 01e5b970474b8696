// Lookalike page: browse the catalog, open an item beside its look-alikes, or drop a photo to find its look-alikes;
// like and dislike items, pick the better of two, and get a "For you" strip that follows every click.
// Plain DOM, no build step. Routes live in the hash: #/?where=col:val&page=N, #/item/<encoded id>, #/upload.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const PAGE_SIZE = 24;
  const NAME_COLUMNS = ["productDisplayName", "name", "title"];
  const USER_KEY = "lookalike.user";
  const FOR_YOU_K = 12;

  const state = {
    info: null,
    primary: null,   // the metadata column shown on cards
    upload: null,    // { file, url } of the last photo searched for
    user: "",        // who gives feedback: a name the person typed, or an anonymous id (localStorage)
    rated: new Map(), // item id → "like" | "dislike" given in this page session, shown as pressed buttons
    query: null,     // what the detail view shows: { kind: "item", id } or { kind: "upload" }, with its key
    box: null,       // { x, y, w, h } in fractions of the query photo: search only that part; null for the whole photo
    explained: new Map(), // "<query key>|<box>|<result id>" → promise of the explanation
  };
  const X = window.LookalikeExplain;
  let generation = 0; // bumps on every navigation; late answers of older ones are dropped
  let personalGeneration = 0; // the same for the For-you strip and the pair picker

  // ---------- API ----------

  const itemPath = (id) => "/api/items/" + encodeURIComponent(id);
  const userPath = () => "/api/users/" + encodeURIComponent(state.user);

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
    if (response.status === 204) return null;
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

  /** The link to an item's page and its lazily loaded thumbnail, shared by every kind of card. */
  function cardLink(item) {
    const link = el("a");
    link.href = "#/item/" + encodeURIComponent(item.id);
    const thumb = el("div", "thumb");
    const img = el("img");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = labelOf(item.metadata) || lastSegment(item.id);
    img.src = thumbnailUrl(item.id, 256, item.contentHash);
    thumb.append(img);
    return { link, thumb };
  }

  /** A catalog or result card; result cards carry rank and score. */
  function card(item, result) {
    const li = el("li", "card");
    li.dataset.testid = result ? "result" : "item";
    li.dataset.id = item.id;
    const { link, thumb } = cardLink(item);
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
    if (result) {
      const actions = cardActions(item.id);
      const why = el("button", "why-btn", "?");
      why.type = "button";
      why.dataset.testid = "why";
      why.title = "Why does it look alike?";
      why.setAttribute("aria-label", `Why does ${lastSegment(item.id)} look alike?`);
      // Shows, never toggles: a tap can also arrive as a hover first, and a toggle would undo it.
      why.addEventListener("click", (e) => { e.preventDefault(); if (!li.querySelector(".heat")) showWhy(li, result); });
      // A tap whose touch the box-drawing gesture consumed never becomes a click: the lifted finger shows it too.
      why.addEventListener("pointerup", (e) => { if (e.pointerType !== "mouse" && !li.querySelector(".heat")) showWhy(li, result); });
      actions.prepend(why);
      li.append(actions);
      // Hover with a mouse shows why; touch and pen use the ? button (a tap on the photo opens the item).
      li.addEventListener("pointerenter", (e) => { if (e.pointerType === "mouse") showWhy(li, result); });
      li.addEventListener("pointerleave", (e) => { if (e.pointerType === "mouse") hideWhy(li); });
    }
    return li;
  }

  /** A like or dislike button for an item; clicks are handled once, on the document. */
  function rateButton(id, kind, text, label, testid) {
    const button = el("button", `rate-btn ${kind}`, text);
    button.type = "button";
    button.dataset.testid = testid;
    button.dataset.id = id;
    button.dataset.kind = kind;
    button.title = label;
    button.setAttribute("aria-label", `${label}: ${lastSegment(id)}`);
    button.setAttribute("aria-pressed", String(state.rated.get(id) === kind));
    return button;
  }

  function cardActions(id) {
    const box = el("div", "card-actions");
    box.append(rateButton(id, "like", "♥", "Like", "card-like"), rateButton(id, "dislike", "✕", "Not for me", "card-dislike"));
    return box;
  }

  /** A small card in a horizontal strip (For you, also bought); <badge> is a short word on the photo. */
  function stripCard(item, testid, badge) {
    const li = el("li", "card mini");
    li.dataset.testid = testid;
    li.dataset.id = item.id;
    const { link, thumb } = cardLink(item);
    if (badge) thumb.append(el("span", "badge", badge));
    link.append(thumb);
    const caption = el("div", "caption");
    caption.append(el("span", "label", labelOf(item.metadata) || lastSegment(item.id)));
    link.append(caption);
    li.append(link, cardActions(item.id));
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
    $("results").dataset.box = state.box ? X.boxText(state.box) : "";
    setStatus($("results-status"), result.results.length === 0
      ? "No look-alikes found."
      : `Top ${result.results.length} by cosine similarity (1 = identical)${state.box ? " to the boxed part of the photo" : ""}. Hover a result, or tap its ?, to see why.`);
  }

  // ---------- why a result looks alike, and the box on the query photo ----------

  /** Starts the detail view of a query; a new query forgets the box and the explanations of the previous one. */
  function setQuery(query) {
    if (state.query?.key !== query.key) {
      state.box = null;
      state.explained.clear();
    }
    state.query = query;
    $("why").hidden = true;
    $("query-heat").hidden = true;
    $("clear-box").hidden = !state.box;
    X.placeBox($("box"), $("query-image"), state.box);
  }

  function explanationOf(resultId) {
    const boxText = state.box ? X.boxText(state.box) : "";
    const key = `${state.query.key}|${boxText}|${resultId}`;
    if (!state.explained.has(key)) {
      let request;
      if (state.query.kind === "item") {
        request = api(`${itemPath(state.query.id)}/explain/${encodeURIComponent(resultId)}` + (boxText ? `?box-frac=${boxText}` : ""));
      } else {
        const form = new FormData();
        form.append("image", state.upload.file, state.upload.file.name);
        form.append("id", resultId);
        if (boxText) form.append("box-frac", boxText);
        request = api("/api/explain", { method: "POST", body: form });
      }
      request.catch(() => state.explained.delete(key)); // a failure is retried on the next hover
      state.explained.set(key, request);
    }
    return state.explained.get(key);
  }

  async function showWhy(li, result) {
    const my = generation;
    for (const other of $("results").querySelectorAll(".card.explained")) if (other !== li) hideWhy(other);
    li.classList.add("explained");
    try {
      const explanation = await explanationOf(result.id);
      if (my !== generation || !li.classList.contains("explained")) return;
      const scale = X.scaleOf(explanation);
      const thumb = li.querySelector(".thumb");
      let heat = thumb.querySelector(".heat");
      if (!heat) {
        heat = el("div", "heat");
        heat.dataset.testid = "result-heat";
        thumb.append(heat);
      }
      X.drawHeat(heat, thumb.querySelector("img"), explanation.result, scale);
      X.drawHeat($("query-heat"), $("query-image"), explanation.query, scale);
      $("query-heat").dataset.result = result.id;
      X.renderWhy($("why"), explanation, result.rank);
    } catch (error) {
      if (my === generation) showError(error.message);
    }
  }

  function hideWhy(li) {
    li.classList.remove("explained");
    li.querySelector(".heat")?.remove();
    $("query-heat").hidden = true;
  }

  function searchBox(box) {
    clearError();
    state.box = box;
    state.explained.clear();
    $("clear-box").hidden = !box;
    X.placeBox($("box"), $("query-image"), box);
    route();
  }

  async function showItem(id) {
    const my = ++generation;
    showDetailFrame();
    setQuery({ kind: "item", id, key: "item:" + id });
    $("rate").hidden = false;
    for (const button of [$("like"), $("dislike")]) {
      button.dataset.id = id;
      button.setAttribute("aria-pressed", String(state.rated.get(id) === button.dataset.kind));
    }
    $("also").hidden = false;
    $("also-list").replaceChildren();
    setStatus($("also-status"), "Finding what people bought with it…", true);
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
    const [item, similar, also] = await Promise.allSettled([
      api(itemPath(id)),
      api(`${itemPath(id)}/similar?k=${k}` + (state.box ? `&box-frac=${X.boxText(state.box)}` : "")),
      api(`${itemPath(id)}/also?k=10`),
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
    if (also.status === "fulfilled") {
      renderAlso(also.value);
    } else {
      setStatus($("also-status"), `Nothing to show: ${also.reason.message}`);
    }
  }

  // The item page's "people also bought" (co-purchases) blended with its look-alikes, each card saying which it is.
  function renderAlso(also) {
    const bought = new Set(also.boughtTogether.map((r) => r.id));
    $("also-list").replaceChildren(...also.blended.map((r) => stripCard(r, "also-item", bought.has(r.id) ? "bought with it" : "looks like")));
    setStatus($("also-status"), also.blended.length === 0
      ? "Nothing to show yet."
      : bought.size === 0
        ? "Nobody has bought this with anything yet: look-alikes only."
        : `${bought.size} bought together with it by other people, the rest look like it.`);
  }

  async function showUpload() {
    const upload = state.upload;
    if (!upload) { location.hash = "#/"; return; }
    const my = ++generation;
    showDetailFrame();
    setQuery({ kind: "upload", key: "upload:" + upload.url });
    $("rate").hidden = true;   // an outside photo is not an item: nothing to like or to have bought
    $("also").hidden = true;
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
    if (state.box) form.append("box-frac", X.boxText(state.box));
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

  // ---------- who is giving feedback ----------

  function anonymousId() {
    const bytes = new Uint8Array(4);
    crypto.getRandomValues(bytes);
    return "anon-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setUser(name) {
    const user = (name || "").trim() || anonymousId();
    state.user = user;
    state.rated = new Map();
    $("user-name").value = user;
    try { localStorage.setItem(USER_KEY, user); } catch { /* private mode: this page only */ }
  }

  function savedUser() {
    try { return localStorage.getItem(USER_KEY) || ""; } catch { return ""; }
  }

  // ---------- feedback, For you, and the pair picker ----------

  const sendFeedback = (event) => api(`${userPath()}/feedback`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(event),
  });

  async function rate(button) {
    const { id, kind } = button.dataset;
    if (!id) return;
    clearError();
    button.disabled = true;
    try {
      await sendFeedback({ kind, item: id });
      state.rated.set(id, kind);
      for (const b of document.querySelectorAll(".rate-btn")) {
        if (b.dataset.id === id) b.setAttribute("aria-pressed", String(b.dataset.kind === kind));
      }
      await refreshPersonal();
    } catch (error) {
      showError(error.message);
    } finally {
      button.disabled = false;
    }
  }

  async function refreshPersonal() {
    const my = ++personalGeneration;
    $("foryou-list").setAttribute("aria-busy", "true");
    setStatus($("foryou-status"), "Finding items for you…", true);
    const [recommendations, pair] = await Promise.allSettled([
      api(`${userPath()}/recommendations?k=${FOR_YOU_K}`),
      api(`${userPath()}/pair`),
    ]);
    if (my !== personalGeneration) return;
    $("foryou-list").removeAttribute("aria-busy");
    if (recommendations.status === "fulfilled") {
      renderForYou(recommendations.value);
    } else {
      $("foryou-list").replaceChildren();
      setStatus($("foryou-status"), "Suggestions could not be loaded.");
      showError(recommendations.reason.message);
    }
    if (pair.status === "fulfilled") {
      renderPair(pair.value);
    } else {
      $("pair-options").replaceChildren();
      setStatus($("pair-status"), "No pair to compare right now.");
    }
    $("personal").dataset.updates = String(Number($("personal").dataset.updates || 0) + 1);
  }

  function renderForYou(result) {
    const { query, results } = result;
    $("foryou-list").replaceChildren(...results.map((r) => stripCard(r, "foryou-item")));
    let text;
    if (results.length === 0) text = "Like or dislike a few items and suggestions for you appear here.";
    else if (query.historyItems === 0) text = "Popular right now. Like something to make this yours.";
    else text = `From ${query.historyItems} item${query.historyItems === 1 ? "" : "s"} you liked, disliked or chose.`;
    setStatus($("foryou-status"), text);
  }

  function renderPair(pair) {
    const options = $("pair-options");
    if (!pair || pair.items.length < 2) {
      options.replaceChildren();
      setStatus($("pair-status"), "Like an item or two, then pick the better of two suggestions here.");
      return;
    }
    const [a, b] = pair.items;
    options.replaceChildren(pairOption(a, b), el("span", "or", "or"), pairOption(b, a));
    setStatus($("pair-status"), "Pick one: your answer steers the suggestions.");
  }

  function pairOption(item, other) {
    const button = el("button", "pair-option");
    button.type = "button";
    button.dataset.testid = "pair-option";
    button.dataset.id = item.id;
    const img = el("img");
    img.alt = labelOf(item.metadata) || lastSegment(item.id);
    img.src = thumbnailUrl(item.id, 256, item.contentHash);
    button.append(img, el("span", "label", labelOf(item.metadata) || lastSegment(item.id)));
    button.addEventListener("click", async () => {
      clearError();
      for (const b of $("pair-options").querySelectorAll("button")) b.disabled = true;
      setStatus($("pair-status"), "Noting your choice…", true);
      try {
        await sendFeedback({ kind: "prefer", item: item.id, over: other.id });
        await refreshPersonal();
      } catch (error) {
        setStatus($("pair-status"), "Your choice could not be recorded.");
        showError(error.message);
        for (const b of $("pair-options").querySelectorAll("button")) b.disabled = false;
      }
    });
    return button;
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
    X.attachBoxDrawing($("box-layer"), $("query-image"), $("box"), searchBox);
    $("clear-box").addEventListener("click", () => searchBox(null));
    $("query-image").addEventListener("load", () => X.placeBox($("box"), $("query-image"), state.box));
    window.addEventListener("resize", () => { X.placeBox($("box"), $("query-image"), state.box); $("query-heat").hidden = true; });
    document.addEventListener("click", (e) => {
      const button = e.target.closest(".rate-btn");
      if (button) { e.preventDefault(); rate(button); }
    });
    setUser(savedUser());
    $("user-name").addEventListener("change", (e) => { setUser(e.target.value); refreshPersonal(); });

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
      if (state.info.learned) {
        $("learned-note").textContent = `· ${state.info.learned}`;
        $("learned-note").hidden = false;
      }
    } catch (error) {
      showError(error.message);
    }
    document.body.dataset.ready = "true";
    route();
    refreshPersonal();
  }

  start();
})();
