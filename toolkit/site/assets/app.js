/* The explorer: native <select>s (agency, measure, year, lang) → one Vega-Lite view, its caption and its CSV.
   Reads window.OGI_SITE (data.js) and window.OGI_CONFIG; draws with window.vegaEmbed (vega.js). No network. */
(function () {
  "use strict";
  const D = window.OGI_SITE, CFG = window.OGI_CONFIG || {};
  const FONT = 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", ' +
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif';
  const REPORTS = D.reports.map(r => Object.fromEntries(D.report_columns.map((c, i) => [c, r[i]])));
  const $ = id => document.getElementById(id);
  const state = { agency: null, measure: "volumes", year: "all", lang: "zh" };

  function T(key, fields) {
    const pair = D.texts[key];
    let s = pair ? pair[state.lang === "en" ? 1 : 0] : key;
    for (const [k, v] of Object.entries(fields || {})) s = s.split("{" + k + "}").join(String(v));
    return s;
  }
  const sep = () => (state.lang === "en" ? ", " : "、");
  const measureName = m => T(m === "coverage" ? "site.coverage" : "view." + m);
  const agencyName = id => { const r = REPORTS.find(x => x.agency_id === id); return r ? r.agency_name : id; };

  // Agencies, most reports first; a report's completeness over every measure (for coverage and captions).
  const counts = {};
  REPORTS.forEach(r => { counts[r.agency_id] = (counts[r.agency_id] || 0) + 1; });
  const AGENCIES = Object.keys(counts).sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
  const incomplete = new Set();
  for (const m of Object.keys(D.rows)) for (const row of D.rows[m]) if (!row[6]) incomplete.add(row[0]);
  const BY_AGENCY_YEAR = new Map();  // agency_id → year → report indexes (coverage without a scan per cell)
  REPORTS.forEach((r, i) => {
    if (!BY_AGENCY_YEAR.has(r.agency_id)) BY_AGENCY_YEAR.set(r.agency_id, new Map());
    const years = BY_AGENCY_YEAR.get(r.agency_id);
    if (!years.has(r.year)) years.set(r.year, []);
    years.get(r.year).push(i);
  });

  function option(value, text) { const o = document.createElement("option"); o.value = value; o.textContent = text; return o; }

  function fillSelects() {
    const ag = $("agency"), ms = $("measure"), yr = $("year");
    // No registry gives an English name: English shows the agency_id (a romanised key) beside the printed name.
    ag.replaceChildren(...AGENCIES.map(id => option(id, state.lang === "en" && id !== agencyName(id) ? `${agencyName(id)} (${id})` : agencyName(id))));
    ag.value = state.agency;
    ms.replaceChildren(...D.measures.map(m => option(m, measureName(m))));
    ms.value = state.measure;
    const years = [...new Set(REPORTS.filter(r => state.measure === "coverage" || r.agency_id === state.agency)
      .map(r => r.year).filter(y => y !== null))].sort();
    yr.replaceChildren(option("all", T("site.all_years")), ...years.map(y => option(String(y), T("site.year_one", { year: y }))));
    if (state.year !== "all" && !years.includes(Number(state.year))) state.year = "all";
    yr.value = state.year;
    for (const el of document.querySelectorAll("[data-text]")) el.textContent = T(el.dataset.text);
  }

  function yearDomain() { return state.year === "all" ? D.years.slice() : [Number(state.year)]; }

  // The rows of the current view: one per report and series, plus one per year without a report (a gap, never 0).
  function viewRows() {
    const m = state.measure, dom = yearDomain();
    if (m === "coverage") {
      const out = [];
      for (const id of AGENCIES) for (const y of dom) {
        const rs = BY_AGENCY_YEAR.get(id).get(y) || [];
        if (!rs.length) out.push(gapRow(id, y, "site.status_missing"));
        for (const ri of rs) {
          const r = REPORTS[ri], ok = !incomplete.has(ri);
          out.push(Object.assign(reportFields(r), { measure: m, status: T(ok ? "site.status_complete" : "site.status_incomplete"),
            status_key: ok ? "parsed" : "flagged", complete: ok }));
        }
      }
      return out;
    }
    const out = [], seen = new Set();
    const [denName, shareName] = D.rates[m];
    D.rows[m].forEach(row => {
      const r = REPORTS[row[0]];
      if (r.agency_id !== state.agency || !dom.includes(r.year)) return;
      seen.add(r.year);
      const series = D.series[m][row[1]], group = row[2] === null ? null : D.groups[m][row[2]];
      out.push(Object.assign(reportFields(r), {
        measure: m, series: series, label: T(m + "." + series), group: group,
        group_label: group ? T((m === "review" ? "case." : "group.") + group) : null,
        count: row[3], denominator_name: denName, denominator: denName ? row[4] : null,
        share_name: shareName, share: shareName ? row[5] : null, complete: !!row[6], missing_cells: row[7],
        cells: (D.cells[m][series] || "").replace("<case>", group || ""), note: row[6] ? null : T("site.not_read") }));
    });
    for (const y of dom) if (!seen.has(y)) out.push(gapRow(state.agency, y, "site.no_report"));
    return out;
  }
  function reportFields(r) {
    return { agency_id: r.agency_id, agency_name: r.agency_name, agency: r.agency, year: r.year, file: r.file,
      sha256: r.sha256, source_url: r.source_url, publisher: r.publisher, scope: r.scope, synthetic: r.synthetic };
  }
  function gapRow(id, y, key) {
    return { agency_id: id, agency_name: agencyName(id), year: y, measure: state.measure, note: T(key), gap: true,
      status: T("site.status_missing"), status_key: "none", count: null, share: null };
  }

  // ---------------------------------------------------------------- charts
  function legend() { return { orient: "bottom", title: null, columns: 3, labelLimit: 260 }; }
  function colourScale(m, keys, labelOf) {
    return { domain: keys.map(labelOf), range: keys.map(k => D.colours[m][k] || "#999999") };
  }
  function notesLayer(x, y) {
    return { transform: [{ filter: "datum.note != null" }], mark: { type: "text", dy: -8, fontSize: 11, color: "#555" },
      encoding: { [x]: { field: "year", type: "ordinal" }, [y]: { datum: 0 }, text: { field: "note" } } };
  }

  function yearBars(rows, m) {
    const share = m === "outcomes", keys = D.series[m], labelOf = k => T(m + "." + k);
    const dom = yearDomain();
    const width = Math.max(220, Math.min(760, dom.length * (share ? 70 : 95)));
    const bar = {
      transform: [{ filter: "datum.note == null" }],
      mark: { type: "bar", tooltip: true },
      encoding: {
        x: { field: "year", type: "ordinal", scale: { domain: dom }, title: null, axis: { labelAngle: 0 } },
        y: share ? { field: "share", type: "quantitative", stack: "zero", title: T("site.axis_share"), axis: { format: "%" } }
          : { field: "count", type: "quantitative", title: T("site.axis_count") },
        color: { field: "label", type: "nominal", scale: colourScale(m, keys, labelOf), legend: legend(), sort: keys.map(labelOf) },
        order: { field: "order", type: "quantitative" },
        tooltip: [{ field: "year", title: T("site.year") }, { field: "label", title: measureName(m) },
          { field: "count", title: T("site.axis_count"), format: "," }].concat(share ? [{ field: "share", title: T("site.axis_share"), format: ".1%" }] : []),
      },
    };
    const layers = [bar, notesLayer("x", "y")];
    if (share) {  // a report whose outcomes add up past its printed total: drawn past a line at 100 %, and said
      const [pre, post] = T("site.over_total").split("{share}");
      layers.push({ mark: { type: "rule", color: "#333", strokeDash: [4, 3] }, encoding: { y: { datum: 1 } } });
      layers.push({ transform: [{ filter: "datum.note == null" }, { aggregate: [{ op: "sum", field: "share", as: "total" }], groupby: ["year"] },
        { filter: "datum.total > 1.0001" }, { calculate: JSON.stringify(pre) + ' + format(datum.total, ".0%") + ' + JSON.stringify(post || ""), as: "text" }],
        mark: { type: "text", dy: -6, fontSize: 10, color: "#333" },
        encoding: { x: { field: "year", type: "ordinal" }, y: { field: "total", type: "quantitative" }, text: { field: "text" } } });
    }
    if (!share) {  // grouped bars, each with its printed number (a 0 reads as 0, a gap as "no report")
      bar.encoding.xOffset = { field: "label", sort: keys.map(labelOf) };
      layers.push({ transform: [{ filter: "datum.note == null && datum.count != null" }],
        mark: { type: "text", dy: -5, fontSize: 9, color: "#333" },
        encoding: { x: bar.encoding.x, xOffset: bar.encoding.xOffset, y: { field: "count", type: "quantitative" },
          text: { field: "count", type: "quantitative", format: "," } } });
    }
    return { width: width, height: 300, layer: layers };
  }

  function facetBars(rows, m) {
    const keys = D.series[m], dom = yearDomain();
    const cats = m === "review" ? ["reconsideration", "litigation_total"].map(k => T("case." + k)) : keys.map(k => T(m + "." + k));
    const colourKeys = m === "refusals" ? Object.keys(D.colours.refusals) : keys;
    const colourLabel = m === "refusals" ? (k => T("group." + k)) : (k => T(m + "." + k));
    const yField = m === "review" ? "group_label" : "label", colourField = m === "refusals" ? "group_label" : "label";
    rows.forEach(r => { if (r.gap) { r[yField] = cats[0]; } });
    const inner = {
      width: dom.length > 1 ? 150 : 420, height: { step: m === "review" ? 26 : 16 },
      layer: [{
        transform: [{ filter: "datum.note == null" }],
        mark: { type: "bar", tooltip: true },
        encoding: {
          y: { field: yField, type: "nominal", sort: cats, scale: { domain: cats }, title: null, axis: { labelLimit: 240 } },
          x: { field: "count", type: "quantitative", title: T(m === "review" ? "site.axis_cases" : "site.axis_count") },
          color: { field: colourField, type: "nominal", scale: colourScale(m, colourKeys, colourLabel), legend: legend() },
          order: { field: "order", type: "quantitative" },
          tooltip: [{ field: "year", title: T("site.year") }, { field: "label", title: measureName(m) },
            { field: "count", title: T("site.axis_count"), format: "," }],
        },
      }, {  // the printed total of each bar, so that 0 reads as 0 and not as a missing bar
        transform: [{ filter: "datum.note == null" }, { aggregate: [{ op: "sum", field: "count", as: "total" }], groupby: ["year", yField] }],
        mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#333" },
        encoding: { y: { field: yField, type: "nominal", sort: cats }, x: { field: "total", type: "quantitative" },
          text: { field: "total", type: "quantitative", format: "," } },
      }, { transform: [{ filter: "datum.note != null" }], mark: { type: "text", align: "left", dx: 4, fontSize: 11, color: "#555" },
        encoding: { y: { field: yField, type: "nominal", sort: cats }, x: { datum: 0 }, text: { field: "note" } } }],
    };
    return { facet: { field: "year", type: "ordinal", sort: dom, header: { title: null, labelFontSize: 13 } },
      columns: dom.length > 1 ? 4 : 1, spec: inner, resolve: { scale: { x: "shared" } } };
  }

  function coverageGrid(rows) {
    const names = AGENCIES.map(agencyName), dom = yearDomain();
    const keys = ["parsed", "flagged", "none"], statusLabel = { parsed: T("site.status_complete"), flagged: T("site.status_incomplete"), none: T("site.status_missing") };
    return { width: Math.max(160, dom.length * 70), height: { step: 28 }, layer: [{
      mark: { type: "rect", stroke: "#999", strokeWidth: 0.5, tooltip: true },
      encoding: {
        x: { field: "year", type: "ordinal", scale: { domain: dom }, title: null, axis: { labelAngle: 0, orient: "top", grid: false } },
        y: { field: "agency_name", type: "nominal", sort: names, title: null, axis: { labelLimit: 260, grid: false } },
        color: { field: "status", type: "nominal", legend: legend(),
          scale: { domain: keys.map(k => statusLabel[k]), range: keys.map(k => D.colours.coverage[k]) } },
        tooltip: [{ field: "agency_name", title: T("site.agency") }, { field: "year", title: T("site.year") }, { field: "status" }, { field: "file" }],
      } }, {
      transform: [{ filter: "datum.status_key == 'none'" }],
      mark: { type: "text", fontSize: 10, color: "#777" },
      encoding: { x: { field: "year", type: "ordinal" }, y: { field: "agency_name", type: "nominal", sort: names }, text: { field: "status" } } }] };
  }

  function spec(rows) {
    const m = state.measure;
    const order = {};
    (D.series[m] || []).forEach((k, i) => { order[k] = i; });
    const values = rows.map(r => Object.assign({}, r, { order: order[r.series] ?? 0 }));
    const body = m === "coverage" ? coverageGrid(values) : (m === "volumes" || m === "outcomes") ? yearBars(values, m) : facetBars(values, m);
    return Object.assign({ data: { values: values },
      config: { font: FONT, view: { stroke: null }, axis: { labelFontSize: 12, titleFontSize: 12, grid: true, gridColor: "#eee" },
        legend: { labelFontSize: 12 } } }, body);
  }

  // ---------------------------------------------------------------- caption and CSV
  function list(items, max) {
    const shown = items.slice(0, max);
    return shown.join(sep()) + (items.length > max ? (state.lang === "en" ? ", …" : "等") : "");
  }
  // The publisher site, and how many of the reports it covers when not all (a caption never credits one site for all).
  function where(reports, sites) {
    const k = reports.filter(r => r.publisher).length;
    if (!sites.length) return "";
    return k === reports.length ? T("site.where", { sites: sites.join(sep()) }) : T("site.where_some", { k: k, sites: sites.join(sep()) });
  }
  function caption(rows) {
    const present = rows.filter(r => !r.gap);
    const byFile = new Map(present.map(r => [r.file, r]));
    const reports = [...byFile.values()].sort((a, b) => (a.year - b.year) || String(a.file).localeCompare(String(b.file)));
    const gaps = [...new Set(rows.filter(r => r.gap).map(r => r.year))];
    const bad = [...new Set(present.filter(r => !r.complete).map(r => r.file))];
    const sites = [...new Set(reports.map(r => r.publisher).filter(Boolean))];
    const scopes = [...new Set(reports.map(r => r.scope).filter(Boolean))].map(s => T("scope." + s));
    const synthetic = reports.some(r => r.synthetic);
    const agencies = [...new Set(reports.map(r => r.agency_name))];
    let text = T("site.caption", {
      agencies: list(agencies, 3), n: reports.length, files: list(reports.map(r => r.file), 4),
      where: where(reports, sites),
      warning: synthetic ? T("site.synthetic") : "", real: synthetic ? "" : T("site.real"),  // synthetic: said first
      scope: T("site.scope_note", { scopes: scopes.join(sep()) }),
      gaps: state.measure !== "coverage" && gaps.length ? T("site.gaps", { years: gaps.join(sep()) }) : "",
      incomplete: bad.length ? T("site.incomplete", { files: bad.join(sep()) }) : "" });
    return text.trim();
  }

  const CSV_COLUMNS = ["agency_id", "agency_name", "agency", "year", "measure", "series", "label", "group", "count",
    "denominator_name", "denominator", "share_name", "share", "complete", "missing_cells", "cells", "status", "note",
    "file", "sha256", "source_url", "publisher", "scope", "synthetic"];
  // The spreadsheet rule of toolkit.spreadsheet: text a spreadsheet would evaluate gets a leading '.
  function safe(v) {
    if (v === null || v === undefined) return "";
    if (typeof v !== "string") return String(v);
    const rest = v.replace(/^'+/, "");
    const risky = /^[=@\t\r]/.test(rest) || (/^[+-]/.test(rest) && !/^[+-]\d+(\.\d+)?$/.test(rest));
    return risky ? "'" + v : v;
  }
  function csvField(v) { const s = safe(v); return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  function csv(rows) {
    const cols = CSV_COLUMNS.filter(c => rows.some(r => r[c] !== undefined));
    return "\ufeff" + [cols.join(",")].concat(rows.map(r => cols.map(c => csvField(r[c])).join(","))).join("\r\n") + "\r\n";
  }

  // ---------------------------------------------------------------- drawing
  let drawing = Promise.resolve();
  function draw() {
    fillSelects();
    document.documentElement.lang = state.lang === "en" ? "en" : "zh-Hans";
    document.title = T("site.title");
    $("site-title").textContent = T("site.title");
    const rows = viewRows();
    const years = yearDomain();
    const span = years.length > 1 ? T("site.years_span", { first: years[0], last: years[years.length - 1] }) : T("site.year_one", { year: years[0] });
    $("view-title").textContent = T("site.view_title", {
      agency: state.measure === "coverage" ? T("site.all_agencies") : agencyName(state.agency), measure: measureName(state.measure), years: span });
    $("caption").textContent = caption(rows);
    $("chart").setAttribute("aria-label", $("view-title").textContent);
    if (!CFG.embed) {  // the view in the address (#agency=…&measure=…), so a link opens the same view
      const hash = "#" + new URLSearchParams({ agency: state.agency, measure: state.measure, year: state.year, lang: state.lang });
      if (location.hash !== hash) history.replaceState(null, "", hash);
    }
    const a = $("download");
    a.textContent = T("site.download");
    a.href = "data:text/csv;charset=utf-8," + encodeURIComponent(csv(rows));
    a.download = [state.measure === "coverage" ? "all" : state.agency, state.measure, state.year, state.lang].join("-") + ".csv";
    $("data-note").textContent = T("site.data_note");
    const s = spec(rows);
    drawing = drawing.then(() => window.vegaEmbed("#chart", s, { actions: false, renderer: "svg" }))
      .then(() => { document.body.dataset.drawn = [state.agency, state.measure, state.year, state.lang].join("|"); })
      .catch(e => { console.error(e); });
  }

  function init() {
    state.agency = CFG.agency ? (AGENCIES.find(id => id === CFG.agency || agencyName(id) === CFG.agency) || AGENCIES[0]) : AGENCIES[0];
    if (CFG.measure) state.measure = CFG.measure;
    state.lang = CFG.lang || "zh";
    const asked = new URLSearchParams(location.hash.slice(1));  // a shared link: #agency=…&measure=…&year=…&lang=…
    if (!CFG.embed) {
      if (AGENCIES.includes(asked.get("agency"))) state.agency = asked.get("agency");
      if (D.measures.includes(asked.get("measure"))) state.measure = asked.get("measure");
      if (["zh", "en"].includes(asked.get("lang"))) state.lang = asked.get("lang");
      if (asked.get("year")) state.year = asked.get("year");  // checked against the agency's years when drawn
    }
    $("lang").value = state.lang;
    if (CFG.embed) {
      document.body.classList.add("embed");
      $("lang").parentElement.classList.add("keep");
    }
    for (const name of ["agency", "measure", "year", "lang"]) {
      $(name).addEventListener("change", e => { state[name] = e.target.value; draw(); });
    }
    draw();
  }
  init();
})();
