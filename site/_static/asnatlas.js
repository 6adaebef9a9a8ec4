/* asnatlas: the site's data tables, the find box and the exposure page.
 *
 * Data come from .js files beside the page (a <script> tag works over file://, fetch
 * does not) or from JSON inside the page; they register themselves in
 * window.asnatlasData. Every value from a pool is shown with textContent, never as HTML.
 * Tables are drawn by Tabulator (bundled from npm as _static/asnatlas-table.js).
 */
(function () {
  "use strict";

  var root = document.documentElement.getAttribute("data-content_root") || "";
  var loading = {};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // Our own relative URLs only (built by asnatlas, never taken from a pool).
  function safeHref(href) {
    return typeof href === "string" && /^[A-Za-z0-9_.\/#=%-]*$/.test(href) && href.indexOf("//") < 0
      ? href : null;
  }

  function link(text, href) {
    var ok = safeHref(href);
    var node = el(ok ? "a" : "span", ok ? {href: ok} : {}, text);
    return node;
  }

  /* Load a script once; call back when it ran (or failed). */
  function loadScript(src, done) {
    if (loading[src] === true) { done(); return; }
    if (Array.isArray(loading[src])) { loading[src].push(done); return; }
    loading[src] = [done];
    var script = el("script", {src: src});
    function finish() {
      var waiting = loading[src];
      loading[src] = true;
      waiting.forEach(function (callback) { callback(); });
    }
    script.addEventListener("load", finish);
    script.addEventListener("error", finish);
    document.head.appendChild(script);
  }

  function loadData(src, key, done) {
    var store = window.asnatlasData || {};
    if (store[key]) { done(store[key]); return; }
    loadScript(src, function () { done((window.asnatlasData || {})[key] || null); });
  }

  function loadTableLibrary(done) {
    if (!document.querySelector('link[href$="asnatlas-table.css"]')) {
      document.head.appendChild(el("link", {rel: "stylesheet", href: root + "_static/asnatlas-table.css"}));
    }
    loadScript(root + "_static/asnatlas-table.js", done);
  }

  /* ---------------------------------------------------------------- tables */

  function cellText(value) {
    if (value === null || value === undefined) { return ""; }
    if (Array.isArray(value)) { return String(value[0]); }
    return String(value);
  }

  function buildTable(box, data) {
    var Tabulator = window.AsnatlasTabulator;
    if (!Tabulator || !data) { return; }
    var columns = data.columns;
    var rows = data.rows.map(function (row) {
      var record = {};
      var words = [];
      columns.forEach(function (column, i) {
        record["c" + i] = row[i];
        words.push(cellText(row[i]));
      });
      record._text = words.join("\u0001").toLowerCase();
      return record;
    });
    var static_ = box.querySelector(".asnatlas-static");
    var count = box.querySelector(".asnatlas-count");

    var controls = el("div", {"class": "asnatlas-controls"});
    var filterId = "asnatlas-filter-" + box.getAttribute("data-key");
    var label = el("label", {"for": filterId}, "Filter ");
    var input = el("input", {type: "search", id: filterId, "class": "asnatlas-filter",
      placeholder: "words that every row shown contains", autocomplete: "off"});
    controls.appendChild(label);
    controls.appendChild(input);
    var chooser = el("details", {"class": "asnatlas-columns"});
    chooser.appendChild(el("summary", {}, "Columns"));
    var list = el("div", {"class": "asnatlas-column-list", role: "group", "aria-label": "Columns shown"});
    chooser.appendChild(list);
    controls.appendChild(chooser);
    var holder = el("div", {"class": "asnatlas-tabulator"});
    box.insertBefore(controls, static_);
    box.insertBefore(holder, static_);

    var definitions = columns.map(function (column, i) {
      var def = {title: column.title, field: "c" + i, visible: column.visible,
        headerSortStartingDir: "asc", minWidth: 60, tooltip: true};
      if (column.kind === "number") {
        def.sorter = "number";
        def.sorterParams = {alignEmptyValues: "bottom"};
        def.hozAlign = "right";
      } else if (column.kind === "link") {
        def.sorter = function (a, b) { return cellText(a).localeCompare(cellText(b), "en", {numeric: true}); };
        def.formatter = function (cell) {
          var value = cell.getValue();
          return Array.isArray(value) ? link(value[0], value[1]) : document.createTextNode(cellText(value));
        };
        def.minWidth = 200;
        def.widthGrow = 3;
      } else {
        def.sorter = function (a, b) { return cellText(a).localeCompare(cellText(b), "en", {numeric: true}); };
        def.formatter = function (cell) { return document.createTextNode(cellText(cell.getValue())); };
      }
      return def;
    });

    var table = new Tabulator(holder, {
      data: rows, columns: definitions, layout: "fitColumns", pagination: true,
      paginationSize: 25, paginationSizeSelector: [25, 50, 100, 500],
      paginationCounter: "rows", headerSortTristate: false, placeholder: "No row matches the filter",
    });
    table.on("tableBuilt", function () {
      static_.hidden = true;
      box.classList.add("asnatlas-ready");
      table.getColumns().forEach(function (col) { keyboard(table, col); });
    });
    function shownCount() {
      var n = table.getDataCount("active");
      count.textContent = n === rows.length
        ? rows.length.toLocaleString("en") + " " + data.noun + "."
        : n.toLocaleString("en") + " of " + rows.length.toLocaleString("en") + " " + data.noun + " match the filter.";
    }
    table.on("dataFiltered", function () { setTimeout(shownCount, 0); });

    columns.forEach(function (column, i) {
      var id = filterId + "-col-" + i;
      var item = el("label", {"for": id});
      var box_ = el("input", {type: "checkbox", id: id});
      box_.checked = column.visible;
      box_.addEventListener("change", function () {
        if (box_.checked) { table.showColumn("c" + i); } else { table.hideColumn("c" + i); }
        table.redraw();
      });
      item.appendChild(box_);
      item.appendChild(document.createTextNode(" " + column.title));
      list.appendChild(item);
    });

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length) { table.clearFilter(); return; }
      table.setFilter(function (record) {
        return words.every(function (word) { return record._text.indexOf(word) !== -1; });
      });
    }
    input.addEventListener("input", apply);
    box.asnatlasFilter = function (text) { input.value = text; apply(); };
    if (box.asnatlasPending) { box.asnatlasFilter(box.asnatlasPending); }
  }

  /* Tabulator's headers sort on click; make them reachable and usable from the keyboard. */
  function keyboard(table, column) {
    var header = column.getElement();
    var def = column.getDefinition();
    header.setAttribute("tabindex", "0");
    header.setAttribute("role", "columnheader");
    header.setAttribute("aria-label", "Sort by " + def.title);
    header.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") { return; }
      event.preventDefault();
      var sorters = table.getSorters();
      var current = sorters.length && sorters[0].field === def.field ? sorters[0].dir : null;
      table.setSort(def.field, current === "asc" ? "desc" : "asc");
      header.focus();
    });
  }

  function initTables() {
    var boxes = document.querySelectorAll(".asnatlas-data");
    if (!boxes.length) { return; }
    loadTableLibrary(function () {
      Array.prototype.forEach.call(boxes, function (box) {
        var inline = box.querySelector("script.asnatlas-table-data");
        if (inline) { buildTable(box, JSON.parse(inline.textContent)); return; }
        var src = box.getAttribute("data-src");
        if (src) { loadData(src, box.getAttribute("data-key"), function (data) { buildTable(box, data); }); }
      });
    });
  }

  /* "#filter=o001 image2": filter the page's association table (overview marks, find box). */
  function hashFilter() {
    var match = /^#filter=(.*)$/.exec(location.hash);
    if (!match) { return; }
    var text = decodeURIComponent(match[1]);
    var box = document.querySelector('.asnatlas-data[data-key="associations"]');
    if (!box) { return; }
    if (box.asnatlasFilter) { box.asnatlasFilter(text); } else { box.asnatlasPending = text; }
    box.scrollIntoView({block: "start"});
  }

  /* ---------------------------------------------------------------- find box */

  var findIndex = null;

  function initFind() {
    var form = el("form", {"class": "asnatlas-find", role: "search"});
    var input = el("input", {type: "search", "class": "asnatlas-find-input", id: "asnatlas-find",
      placeholder: "Find a name", "aria-label": "Find an exposure, association, product or candidate by name or prefix",
      autocomplete: "off", spellcheck: "false"});
    var results = el("ul", {"class": "asnatlas-find-results", role: "listbox", hidden: ""});
    form.appendChild(input);
    form.appendChild(results);
    var place = document.querySelector(".navbar-header-items__end") || document.querySelector(".bd-article");
    if (!place) { return; }
    place.insertBefore(form, place.firstChild);

    function ensure(done) {
      if (findIndex) { done(); return; }
      loadData(root + "_static/asnatlas-find-index.js", "find", function (data) {
        findIndex = (data || []).map(function (entry) { return {key: entry[0].toLowerCase(), e: entry}; });
        done();
      });
    }
    function search(text) {
      text = text.trim().toLowerCase();
      if (!text) { return []; }
      // Sorted by name: a binary search finds the first name with this prefix.
      var lo = 0, hi = findIndex.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (findIndex[mid].key < text) { lo = mid + 1; } else { hi = mid; } }
      var hits = [];
      for (var i = lo; i < findIndex.length && hits.length < 20 && findIndex[i].key.indexOf(text) === 0; i++) {
        hits.push(findIndex[i].e);
      }
      for (var j = 0; j < findIndex.length && hits.length < 20; j++) {
        if (findIndex[j].key.indexOf(text) > 0) { hits.push(findIndex[j].e); }
      }
      return hits;
    }
    var active = -1;
    function show() {
      ensure(function () {
        var hits = search(input.value);
        results.textContent = "";
        active = -1;
        hits.forEach(function (entry) {
          var item = el("li", {role: "option"});
          var a = link(entry[0], root + entry[3]);
          a.classList.add("asnatlas-find-name");
          item.appendChild(a);
          item.appendChild(el("span", {"class": "asnatlas-find-where"}, " " + entry[1] + " \u00b7 pool " + entry[2]));
          results.appendChild(item);
        });
        if (!hits.length && input.value.trim()) {
          results.appendChild(el("li", {"class": "asnatlas-find-none"}, "No name starts with or contains this."));
        }
        results.hidden = !input.value.trim();
      });
    }
    function go(index) {
      var links = results.querySelectorAll("a");
      if (links[index]) { location.href = links[index].getAttribute("href"); }
    }
    input.addEventListener("input", show);
    input.addEventListener("focus", function () { ensure(function () {}); });
    input.addEventListener("keydown", function (event) {
      var items = results.querySelectorAll("li[role=option]");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!items.length) { return; }
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        Array.prototype.forEach.call(items, function (item, i) { item.classList.toggle("asnatlas-active", i === active); });
      } else if (event.key === "Escape") {
        results.hidden = true;
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ensure(function () {
        if (!results.querySelector("a")) { show(); }
        setTimeout(function () { go(active < 0 ? 0 : active); }, 0);
      });
    });
  }

  /* ---------------------------------------------------------------- exposure page */

  function kvTable(pairs) {
    var table = el("table", {"class": "asnatlas-kv"});
    var body = el("tbody");
    pairs.forEach(function (pair) {
      var tr = el("tr");
      tr.appendChild(el("th", {}, pair[0]));
      tr.appendChild(el("td", {}, pair[1]));
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  function fill(slot, node) {
    var box = document.querySelector('.asnatlas-slot[data-slot="' + slot + '"]');
    if (!box) { return; }
    box.textContent = "";
    box.appendChild(node);
  }

  function showExposure(view) {
    var match = /^#row-(\d+)$/.exec(location.hash);
    if (!match) { return; }
    var n = parseInt(match[1], 10);
    var size = parseInt(view.getAttribute("data-chunk"), 10);
    var chunk = Math.floor((n - 1) / size);
    var key = "exp-" + ("0000" + chunk).slice(-4);
    loadData("data/" + key + ".js", key, function (data) {
      if (!data) { return; }
      var exp = data.rows[n - data.first];
      if (!exp) { return; }
      var title = "Exposure " + exp.name;
      document.title = title + " \u2014 " + document.title.split(" \u2014 ").slice(-1)[0];
      var h1 = document.querySelector("article h1");
      if (h1) { h1.firstChild.textContent = title; }
      var intro = view.querySelector(".asnatlas-exposure-intro");
      intro.textContent = "Row " + exp.n + (exp.line ? " (line " + exp.line + ")" : "") +
        " of pool " + view.getAttribute("data-pool") + ".";
      view.querySelectorAll(".asnatlas-data, .asnatlas-note-row").forEach(function (node) { node.remove(); });
      if (exp.note) {
        var note = el("p", {"class": "asnatlas-note-row asnatlas-warning"},
          /repeats/.test(exp.note) ? "This row is a duplicate: " + exp.note + "." : "Not an exposure: " + exp.note + ".");
        view.appendChild(note);
      }
      fill("decoded", exp.error
        ? el("p", {}, exp.name + " is not a standard JWST name; such names look like " + exp.error + ".")
        : kvTable(exp.fields));
      if (exp.members.length) {
        var table = el("table", {"class": "asnatlas-members"});
        var head = el("thead");
        var tr = el("tr");
        ["Association", "Type", "Stage", "Product", "Member type"].forEach(function (h) { tr.appendChild(el("th", {}, h)); });
        head.appendChild(tr);
        table.appendChild(head);
        var body = el("tbody");
        exp.members.forEach(function (m) {
          var row = el("tr");
          var td = el("td");
          td.appendChild(link(m[0], m[1]));
          row.appendChild(td);
          [m[2], m[3], m[4], m[5]].forEach(function (v) { row.appendChild(el("td", {}, v)); });
          body.appendChild(row);
        });
        table.appendChild(body);
        fill("members", table);
      } else {
        fill("members", el("p", {}, "This exposure is in no association (an orphan)."));
      }
      if (exp.why.length) {
        var list = el("ul", {"class": "asnatlas-explanations"});
        exp.why.forEach(function (line) { list.appendChild(el("li", {}, line)); });
        fill("why", list);
      } else {
        fill("why", el("p", {}, "No other rule could have taken it."));
      }
      fill("row", kvTable(exp.values));
      window.scrollTo(0, 0);
    });
  }

  function initExposure() {
    var view = document.getElementById("asnatlas-exposure");
    if (!view) { return; }
    showExposure(view);
    window.addEventListener("hashchange", function () { showExposure(view); });
  }

  function init() {
    initFind();
    initTables();
    initExposure();
    hashFilter();
    window.addEventListener("hashchange", hashFilter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
