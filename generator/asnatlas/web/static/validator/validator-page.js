/* asnatlas: the in-browser association validator.
 *
 * Gives the same verdict as `asnatlas validate` for one file: the same JSON syntax
 * checks (ASN0xx), the same JSON Schemas compiled ahead of time with Ajv (asn-schemas.js,
 * ASN1xx), and a port of the semantic checks (ASN2xx) that need no file system. Messages,
 * hints, JSON pointers, lines and columns follow the Python validator
 * (generator/asnatlas/validate/); tests/test_browser_validator.py compares the two.
 *
 * Everything shown comes from the user's file: it is written with textContent only.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- Python-alike helpers

  const codePoints = (s) => Array.from(s);
  const cpLength = (s) => codePoints(s).length;

  function clip(text, limit) {
    const cps = codePoints(text);
    return cps.length <= limit ? text : cps.slice(0, limit - 3).join("") + "...";
  }

  const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

  function hex(n, width) {
    return n.toString(16).padStart(width, "0");
  }

  /** Python's repr() of a str. */
  function pyRepr(s) {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    let out = quote;
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === quote || ch === "\\") out += "\\" + ch;
      else if (ch === "\t") out += "\\t";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (c < 0x20 || c === 0x7f) out += "\\x" + hex(c, 2);
      else if (c < 0x7f) out += ch;
      else if (ch !== " " && NON_PRINTABLE.test(ch)) {
        if (c <= 0xff) out += "\\x" + hex(c, 2);
        else if (c <= 0xffff) out += "\\u" + hex(c, 4);
        else out += "\\U" + hex(c, 8);
      } else out += ch;
    }
    return out + quote;
  }

  /** Python's repr() of a float. */
  function pyFloat(x) {
    if (Number.isNaN(x)) return "NaN";
    if (x === Infinity) return "Infinity";
    if (x === -Infinity) return "-Infinity";
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const [mant, expText] = Math.abs(x).toExponential().split("e");
    const exp = parseInt(expText, 10);
    const digits = mant.replace(".", "");
    const sign = x < 0 ? "-" : "";
    if (exp < -4 || exp >= 16) {
      const m = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
      const e = (exp < 0 ? "-" : "+") + String(Math.abs(exp)).padStart(2, "0");
      return sign + m + "e" + e;
    }
    if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1) || "0";
    return sign + whole + "." + frac;
  }

  function pyJsonString(s) {
    // json.dumps with ensure_ascii=True.
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      const c = s.charCodeAt(i);
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (c < 0x20 || c > 0x7e) out += "\\u" + hex(c, 4);
      else out += ch;
    }
    return out + '"';
  }

  /** Python's json.dumps(value); floats are the numbers written with '.', 'e' or 'E'. */
  function pyJsonDumps(value, pointer, floats) {
    if (value === null) return "null";
    if (value === true) return "true";
    if (value === false) return "false";
    if (typeof value === "number") {
      return floats.has(pointer) || !Number.isFinite(value) ? pyFloat(value) : bigIntText(value, pointer, floats);
    }
    if (typeof value === "string") return pyJsonString(value);
    if (Array.isArray(value)) {
      return "[" + value.map((v, k) => pyJsonDumps(v, `${pointer}/${k}`, floats)).join(", ") + "]";
    }
    return "{" + Object.keys(value).map((k) =>
      pyJsonString(k) + ": " + pyJsonDumps(value[k], `${pointer}/${pointerEscape(k)}`, floats)
    ).join(", ") + "}";
  }

  function bigIntText(value, pointer, floats) {
    // Integers keep every digit in Python; the parser kept the literal for big ones.
    const literal = floats.literals && floats.literals.get(pointer);
    return literal !== undefined ? literal : String(value);
  }

  function pyTypeName(value, pointer, floats) {
    if (value === null) return (floats.constants && floats.constants.get(pointer)) || "null";
    if (typeof value === "boolean") return "boolean";
    if (typeof value === "number") return floats.has(pointer) ? "number" : "integer";
    if (typeof value === "string") return "string";
    if (Array.isArray(value)) return "array";
    return "object";
  }

  /** A port of difflib.get_close_matches(word, possibilities, n=1, cutoff). */
  function closeMatch(word, possibilities, cutoff) {
    let best = null;
    for (const x of possibilities) {
      const r = seqRatio(codePoints(x), codePoints(word));
      if (r >= cutoff && (best === null || r > best[0] || (r === best[0] && x > best[1]))) {
        best = [r, x];
      }
    }
    return best ? best[1] : null;
  }

  function seqRatio(a, b) {
    // difflib.SequenceMatcher(None, a, b).ratio(), with its "autojunk" heuristic.
    const b2j = new Map();
    b.forEach((ch, j) => {
      if (!b2j.has(ch)) b2j.set(ch, []);
      b2j.get(ch).push(j);
    });
    if (b.length >= 200) {
      const ntest = Math.floor(b.length / 100) + 1;
      for (const [ch, idxs] of Array.from(b2j)) if (idxs.length > ntest) b2j.delete(ch);
    }
    function longest(alo, ahi, blo, bhi) {
      let besti = alo, bestj = blo, bestsize = 0;
      let j2len = new Map();
      for (let i = alo; i < ahi; i++) {
        const newj2len = new Map();
        for (const j of b2j.get(a[i]) || []) {
          if (j < blo) continue;
          if (j >= bhi) break;
          const k = (j2len.get(j - 1) || 0) + 1;
          newj2len.set(j, k);
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
        j2len = newj2len;
      }
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
        besti--;
        bestj--;
        bestsize++;
      }
      while (besti + bestsize < ahi && bestj + bestsize < bhi &&
             a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
      return [besti, bestj, bestsize];
    }
    let matches = 0;
    const queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop();
      const [i, j, k] = longest(alo, ahi, blo, bhi);
      if (k) {
        matches += k;
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
    }
    const total = a.length + b.length;
    return total ? (2 * matches) / total : 1;
  }

  // Python's str.isspace() characters, for rstrip()/strip().
  const PY_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85,
    0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
    0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

  function rstripLength(text) {
    let end = text.length;
    while (end > 0 && PY_SPACE.has(text.charCodeAt(end - 1))) end--;
    return end;
  }

  function pointerEscape(token) {
    return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
  }

  // ----------------------------------------------------------------------- problems

  let DATA = null; // page data from the site build: codes, catalogue suffixes, ...

  function problem(code, message, pointer, line, col, hint) {
    return {
      file: "",
      line: line || 0,
      column: col || 0,
      code,
      severity: DATA.codes[code][0],
      message,
      pointer: pointer || "",
      hint: hint || "",
    };
  }

  function cmp(x, y) {
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function sortProblems(list) {
    return list.sort((p, q) => cmp(p.line, q.line) || cmp(p.column, q.column) ||
      cmp(p.code, q.code) || cmp(p.pointer, q.pointer) || cmp(p.message, q.message));
  }

  // ------------------------------------------------------------- bytes -> text (ASN001-3)

  /** Offset of the first byte that is not valid UTF-8, or -1. */
  function firstBadUtf8(bytes) {
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      const b = bytes[i];
      if (b < 0x80) { i++; continue; }
      let need, lo = 0x80, hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lo = 0xa0;
        if (b === 0xed) hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lo = 0x90;
        if (b === 0xf4) hi = 0x8f;
      } else return i;
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if (i + k >= n) return i;
        if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
      }
      i += need + 1;
    }
    return -1;
  }

  function decode(bytes) {
    const problems = [];
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      problems.push(problem("ASN003", "the file starts with a UTF-8 byte-order mark", "", 1, 1,
        "save the file as UTF-8 without BOM: Python's JSON reader refuses it, and " +
        "the pipeline reads it only through its deprecated YAML fallback"));
      bytes = bytes.subarray(3);
    } else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      problems.push(problem("ASN002", "the file is UTF-16 (byte-order mark found), not UTF-8",
        "", 1, 1, "save the file as UTF-8"));
      return [null, problems];
    }
    const bad = firstBadUtf8(bytes);
    if (bad >= 0) {
      let start = bad;
      let line = 1;
      for (let k = 0; k < bad; k++) if (bytes[k] === 10) line++;
      while (start > 0 && bytes[start - 1] !== 10) start--;
      const col = cpLength(new TextDecoder("utf-8").decode(bytes.subarray(start, bad))) + 1;
      problems.push(problem("ASN002", `byte 0x${hex(bytes[bad], 2)} is not valid UTF-8`, "",
        line, col, "save the file as UTF-8 (it looks like Latin-1 or another encoding)"));
      return [null, problems];
    }
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    if (rstripLength(text) === 0) {
      problems.push(problem("ASN001", "the file is empty", "", 1, 1,
        "an association is a JSON object with asn_type, products, ..."));
      return [null, problems];
    }
    return [text, problems];
  }

  // ------------------------------------------------------- text -> data (ASN004-ASN013)
  // JSON.parse gives neither positions nor duplicate keys, so this is a small parser that
  // fails where Python's json module fails, with the same message and offset, and
  // records where every value and key starts (by JSON pointer).

  function Stop(offset) {
    this.offset = offset;
  }

  function Syntax(msg, offset) {
    this.msg = msg;
    this.offset = offset;
  }

  const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
  const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
  // Nesting deeper than DATA.max_depth is ASN015, found before parsing (as in Python).
  const NESTING = /"(?:[^"\\]|\\[^])*"?|[[\]{}]/g;

  /** Offset of the first bracket nested deeper than DATA.max_depth, or -1. */
  function tooDeep(text) {
    const max = DATA.max_depth;
    let count = 0;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === 91 || c === 123) count++;
    }
    if (count <= max) return -1;
    let depth = 0;
    NESTING.lastIndex = 0;
    let m;
    while ((m = NESTING.exec(text)) !== null) {
      const ch = m[0];
      if (ch === "[" || ch === "{") {
        depth++;
        if (depth > max) return m.index;
      } else if (ch === "]" || ch === "}") depth = Math.max(depth - 1, 0);
    }
    return -1;
  }

  function parse(text) {
    const n = text.length;
    const values = new Map();
    const keys = new Map();
    const floats = new Set();
    floats.literals = new Map();
    const duplicates = [];
    const constants = [];
    const bigIntegers = []; // [pointer, digits, offset]: Python refuses them (ASN014)
    const surrogates = []; // [pointer, code, offset]: first lone surrogate of a string (ASN016)
    let i = 0;

    function ws(k) {
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === 32 || c === 9 || c === 10 || c === 13) k++;
        else break;
      }
      return k;
    }

    function str(k) {
      // k is just after the opening quote; returns [value, end, lone] where lone is
      // [offset, code] of the first lone surrogate escape, or null.
      const begin = k - 1;
      let out = "";
      let lone = null;
      for (;;) {
        let chunk = k;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === 34 || c === 92 || c < 0x20) break;
          k++;
        }
        out += text.slice(chunk, k);
        if (k >= n) throw new Syntax("Unterminated string starting at", begin);
        const c = text.charCodeAt(k);
        if (c === 34) return [out, k + 1, lone];
        if (c !== 92) throw new Syntax("Invalid control character at", k);
        k++;
        if (k >= n) throw new Syntax("Unterminated string starting at", begin);
        const e = text[k];
        if (e !== "u") {
          if (!(e in ESCAPES)) throw new Syntax("Invalid \\escape", k - 1);
          out += ESCAPES[e];
          k++;
          continue;
        }
        let [code, next] = hex4(k + 1);
        if (code >= 0xd800 && code <= 0xdbff && next + 1 < n && text[next] === "\\" &&
            text[next + 1] === "u") {
          const [low, after] = hex4(next + 2);
          if (low >= 0xdc00 && low <= 0xdfff) {
            out += String.fromCharCode(code, low);
            k = after;
            continue;
          }
        }
        if (lone === null && code >= 0xd800 && code <= 0xdfff) lone = [k - 1, code];
        out += String.fromCharCode(code);
        k = next;
      }
    }

    function hex4(k) {
      // k is the first hex digit; Python wants 4 digits and something after them.
      if (k + 4 >= n) throw new Syntax("Invalid \\uXXXX escape", k - 1);
      const digits = text.slice(k, k + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new Syntax("Invalid \\uXXXX escape", k - 1);
      return [parseInt(digits, 16), k + 4];
    }

    function value(k, pointer, depth) {
      if (!values.has(pointer)) values.set(pointer, k);
      if (k >= n) throw new Stop(k);
      const ch = text[k];
      if (ch === '"') {
        const [val, end, lone] = str(k + 1);
        if (lone !== null) surrogates.push([pointer, lone[1], lone[0]]);
        return [val, end];
      }
      if (ch === "{") return object(k + 1, pointer, depth);
      if (ch === "[") return array(k + 1, pointer, depth);
      if (ch === "n" && text.startsWith("null", k)) return [null, k + 4];
      if (ch === "t" && text.startsWith("true", k)) return [true, k + 4];
      if (ch === "f" && text.startsWith("false", k)) return [false, k + 5];
      for (const word of ["NaN", "Infinity", "-Infinity"]) {
        if (ch === word[0] && text.startsWith(word, k)) {
          // Python's reader is told to turn these into None, and reports them (ASN008).
          constants.push([pointer, word, k]);
          return [null, k + word.length];
        }
      }
      NUMBER.lastIndex = k;
      const m = NUMBER.exec(text);
      if (!m) throw new Stop(k);
      if (m[1] !== undefined || m[2] !== undefined) floats.add(pointer);
      else {
        if (m[0].length > 15) floats.literals.set(pointer, m[0]);
        const digits = m[0].length - (m[0][0] === "-" ? 1 : 0);
        if (DATA.int_max_digits && digits > DATA.int_max_digits) bigIntegers.push([pointer, digits, k]);
      }
      return [Number(m[0]), k + m[0].length];
    }

    function object(k, pointer, depth) {
      const obj = Object.create(null); // keys such as "__proto__" stay plain data
      const seen = new Set();
      k = ws(k);
      if (text[k] === "}") return [obj, k + 1];
      for (;;) {
        if (text[k] !== '"') {
          throw new Syntax("Expecting property name enclosed in double quotes", k);
        }
        const keyAt = k;
        let key, lone;
        [key, k, lone] = str(k + 1);
        const child = `${pointer}/${pointerEscape(key)}`;
        if (lone !== null) surrogates.push([child, lone[1], lone[0]]);
        if (seen.has(key)) duplicates.push([child, key, keyAt]);
        seen.add(key);
        // The last duplicate wins in the data, so its position wins too.
        keys.set(child, keyAt);
        values.delete(child);
        k = ws(k);
        if (text[k] !== ":") throw new Syntax("Expecting ':' delimiter", k);
        k = ws(k + 1);
        let val;
        [val, k] = value(k, child, depth + 1);
        obj[key] = val;
        k = ws(k);
        if (text[k] === "}") return [obj, k + 1];
        if (text[k] !== ",") throw new Syntax("Expecting ',' delimiter", k);
        k = ws(k + 1);
      }
    }

    function array(k, pointer, depth) {
      const arr = [];
      k = ws(k);
      if (text[k] === "]") return [arr, k + 1];
      for (;;) {
        let val;
        [val, k] = value(k, `${pointer}/${arr.length}`, depth + 1);
        arr.push(val);
        k = ws(k);
        if (text[k] === "]") return [arr, k + 1];
        if (text[k] !== ",") throw new Syntax("Expecting ',' delimiter", k);
        k = ws(k + 1);
      }
    }

    if (text.charCodeAt(0) === 0xfeff) {
      throw new Syntax("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
    }
    let k = ws(0);
    let data;
    try {
      [data, k] = value(k, "", 0);
    } catch (err) {
      if (err instanceof Stop) throw new Syntax("Expecting value", err.offset);
      throw err;
    }
    k = ws(k);
    if (k !== n) throw new Syntax("Extra data", k);
    // Where the text had NaN or Infinity (read as null), named so in type errors.
    floats.constants = new Map(constants.map(([pointer, word]) => [pointer, word]));
    return { data, values, keys, floats, duplicates, constants, bigIntegers, surrogates };
  }

  function makeLocator(text) {
    const starts = [0];
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) starts.push(k + 1);
    return function locate(offset) {
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      // Columns count code points, as Python's do.
      return [lo + 1, cpLength(text.slice(starts[lo], offset)) + 1];
    };
  }

  const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/y;
  const BARE_HINTS = { True: "use true", False: "use false", None: "use null", undefined: "use null" };

  function syntaxProblem(text, err, locate) {
    const pos = err.offset;
    const msg = err.msg;
    let [line, col] = locate(pos);
    const here = text.slice(pos, pos + 2);
    const end = rstripLength(text);
    if (pos >= end || msg.startsWith("Unterminated string")) {
      [line, col] = locate(end);
      return problem("ASN009", "the file ends before the JSON value is complete", "", line, col,
        "the file looks truncated: check for missing closing quotes, ] or }");
    }
    if (here === "//" || here === "/*" || here[0] === "#") {
      return problem("ASN005", "comments are not allowed in JSON", "", line, col,
        "delete the comment or move it into a string field");
    }
    if (here[0] === "'") {
      return problem("ASN006", "strings must use double quotes", "", line, col,
        "replace the single quotes ' with double quotes \"");
    }
    if (msg === "Extra data") {
      return problem("ASN012", "there is more text after the end of the JSON object", "",
        line, col, "a file holds exactly one association object");
    }
    if (msg.startsWith("Invalid control character")) {
      return problem("ASN013", "raw control character (newline or tab) inside a string", "",
        line, col, "write it as \\n or \\t, or close the string");
    }
    if (msg.startsWith("Invalid \\escape") || msg.startsWith("Invalid \\uXXXX")) {
      return problem("ASN013", "invalid backslash escape in a string", "", line, col,
        "write a literal backslash as \\\\ (and member names need no paths)");
    }
    const expecting = msg.startsWith("Expecting value") || msg.startsWith("Expecting property name");
    if ((here[0] === "]" || here[0] === "}") && expecting) {
      let k = pos - 1;
      while (k >= 0 && " \t\r\n".includes(text[k])) k--;
      if (k >= 0 && text[k] === ",") {
        [line, col] = locate(k);
        return problem("ASN004", "trailing comma before the closing bracket", "", line, col,
          "delete the comma after the last item");
      }
    }
    WORD.lastIndex = pos;
    const word = WORD.exec(text);
    if (word && expecting) {
      const bare = word[0];
      const hint = Object.prototype.hasOwnProperty.call(BARE_HINTS, bare) ? BARE_HINTS[bare]
        : "put keys and text values in double quotes";
      return problem("ASN011", `bare word ${pyRepr(bare)} where a quoted string or value is expected`,
        "", line, col, hint);
    }
    const hints = {
      "Expecting ',' delimiter": "a comma is missing between two items",
      "Expecting ':' delimiter": "a colon is missing between a key and its value",
      "Expecting value": "a value is missing here",
    };
    return problem("ASN010", `JSON syntax error: ${msg}`, "", line, col, hints[msg] || "");
  }

  // ------------------------------------------------------------- schemas (ASN101-ASN106)

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

  function schemaFile(name) {
    const entry = window.AsnSchemas && window.AsnSchemas.schemas[name];
    if (!entry) throw new Error(`asn-schemas.js lacks ${name}: rebuild it (tools/ajv)`);
    return entry;
  }

  function level2Types() {
    return schemaFile("asn-level2.schema.json").schema.properties.asn_type.enum;
  }

  function level3Types() {
    return schemaFile("asn-level3.schema.json").schema.properties.asn_type.enum;
  }

  function schemaFor(data) {
    const t = isObject(data) ? data.asn_type : undefined;
    return typeof t === "string" && level2Types().includes(t)
      ? "asn-level2.schema.json" : "asn-level3.schema.json";
  }

  function tokens(pointer) {
    return pointer === "" ? [] : pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  }

  function fieldName(pointer, data) {
    let text = "";
    let node = data;
    for (const t of tokens(pointer)) {
      if (Array.isArray(node)) text += `[${t}]`;
      else text += text ? `.${t}` : t;
      node = node == null ? undefined : node[t];
    }
    return text || "the file";
  }

  function article(word) {
    return ("aeiou".includes(word[0]) ? "an " : "a ") + word;
  }

  /** The pipeline's schema (errors), then the ground-system profile (warnings), as in Python. */
  function schemaProblems(data, floats) {
    const out = layer(data, DATA.schema_codes.pipeline_schema, DATA.schema_codes.pipeline, floats);
    const taken = new Set(out.map((p) => p.pointer));
    return out.concat(layer(data, schemaFor(data), DATA.schema_codes.profile, floats)
      .filter((p) => !taken.has(p.pointer)));
  }

  function layer(data, name, codes, floats) {
    const validate = schemaFile(name).validate;
    if (validate(data)) return [];
    const out = [];
    const seen = new Set();
    for (const e of validate.errors) {
      // jsonschema reports a failed anyOf once, without the failures of its branches.
      if (/\/anyOf\/\d+\//.test(e.schemaPath)) continue;
      for (const p of explain(e, data, floats, codes)) {
        const key = p.pointer + "\u0000" + p.message;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(p);
        }
      }
    }
    return out;
  }

  function explain(e, data, floats, codes) {
    const code = has(codes, e.keyword) ? codes[e.keyword] : codes["*"];
    const pointer = e.instancePath;
    const field = fieldName(pointer, data);
    const value = e.data;
    const parent = e.parentSchema || {};
    const hint = typeof parent.description === "string" ? parent.description : "";
    switch (e.keyword) {
      case "required": {
        const k = e.params.missingProperty;
        const where = pointer === "" ? "the association" : field;
        const known = isObject(parent.properties) ? parent.properties : {};
        const sub = has(known, k) ? known[k] : undefined;
        const desc = isObject(sub) && typeof sub.description === "string" ? sub.description : "";
        // An unknown key that looks like the missing one is the likelier mistake.
        const strays = Object.keys(value).filter((key) => !has(known, key));
        const close = closeMatch(k, strays, 0.6);
        const tip = close !== null ? `is ${pyRepr(clip(close, 60))} a misspelling of ${pyRepr(k)}?` : desc;
        const word = code === "ASN101" ? "required" : "ground-system";
        return [problem(code, `${where} lacks the ${word} field ${pyRepr(k)}`, pointer, 0, 0, tip)];
      }
      case "type": {
        const wanted = Array.isArray(e.schema) ? e.schema.join(" or ") : e.schema;
        const got = pyTypeName(value, pointer, floats);
        if (pointer === "") {
          return [problem(code, `the file must hold a JSON object, not ${got}`, pointer, 0, 0,
            "an association is one JSON object {...}")];
        }
        return [problem(code, `${field} must be ${article(wanted)}, not ${got}`, pointer, 0, 0, hint)];
      }
      case "enum": {
        const allowed = e.schema;
        const shown = typeof value === "string" ? pyRepr(value) : pyJsonDumps(value, pointer, floats);
        const close = typeof value === "string"
          ? closeMatch(value.toLowerCase(), allowed.map(String), 0.6) : null;
        const tip = close !== null ? `did you mean ${pyRepr(close)}?` : "allowed: " + allowed.join(", ");
        return [problem(code, `${field} ${clip(shown, 60)} is not an allowed value`, pointer, 0, 0, tip)];
      }
      case "pattern":
        return [problem(code, `${field} ${clip(pyRepr(value), 60)} is badly formed`, pointer, 0, 0, hint)];
      case "minItems":
      case "minLength":
        return [problem(code, `${field} is empty`, pointer, 0, 0, hint)];
      case "anyOf":
        return [problem(code, `${field} must be a string or null, not ${pyTypeName(value, pointer, floats)}`,
          pointer, 0, 0, hint)];
      default:
        return [problem(code, `${field}: ${clip(e.message || e.keyword, 60)}`, pointer, 0, 0, hint)];
    }
  }

  // ------------------------------------------------------------ semantics (ASN2xx)

  const STAGED_ROLES = { 2: ["science", "background", "imprint", "selfcal"], 3: ["science", "psf"] };
  const SUFFIX = /_([a-z0-9]+)\.[a-z0-9.]+(?:$|(?=\n$))/iu;
  const C = (s) => clip(s, 80);
  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const get = (obj, key) => (has(obj, key) ? obj[key] : undefined);

  function semanticProblems(data, filename) {
    if (!isObject(data)) return [];
    let out = unknownKeys(data);
    const products = get(data, "products");
    if (Array.isArray(products)) out = out.concat(productProblems(data, products));
    out = out.concat(idProblems(data, filename));
    return out;
  }

  function stageOf(data) {
    const t = get(data, "asn_type");
    if (typeof t !== "string") return null;
    if (level2Types().includes(t)) return 2;
    if (level3Types().includes(t)) return 3;
    return null;
  }

  function suffixOf(expname) {
    const m = SUFFIX.exec(expname);
    return m ? m[1].toLowerCase() : null;
  }

  function basename(name) {
    const parts = name.replace(/\\/g, "/").split("/");
    return parts[parts.length - 1];
  }

  function knownKeys(name) {
    const schema = schemaFile(name).schema;
    return {
      top: Object.keys(schema.properties),
      product: Object.keys(schema.$defs.product.properties),
      member: Object.keys(schema.$defs.member.properties),
    };
  }

  function unknownKeys(data) {
    const known = knownKeys(schemaFor(data));
    let out = unknownIn(data, known.top, "", "the association");
    const products = get(data, "products");
    if (Array.isArray(products)) {
      products.forEach((product, p) => {
        if (isObject(product)) out = out.concat(unknownIn(product, known.product, `/products/${p}`, `products[${p}]`));
      });
      products.forEach((product, p) => {
        if (!isObject(product) || !Array.isArray(get(product, "members"))) return;
        product.members.forEach((member, m) => {
          if (isObject(member)) {
            out = out.concat(unknownIn(member, known.member, `/products/${p}/members/${m}`,
              `products[${p}].members[${m}]`));
          }
        });
      });
    }
    return out;
  }

  function unknownIn(obj, known, pointer, where) {
    const out = [];
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const close = closeMatch(key.toLowerCase(), known, 0.6);
      const hint = close !== null ? `did you mean ${pyRepr(close)}?`
        : "the pipeline ignores it; known keys: " + known.join(", ");
      out.push(problem("ASN216", `${where} has an unknown key ${pyRepr(C(key))}`,
        `${pointer}/${pointerEscape(key)}`, 0, 0, hint));
    }
    return out;
  }

  function productProblems(data, products) {
    let out = [];
    const stage = stageOf(data);
    const names = new Map();
    products.forEach((product, p) => {
      if (!isObject(product)) return;
      const name = get(product, "name");
      if (typeof name === "string" && name) {
        out = out.concat(productName(p, name));
        if (names.has(name)) {
          out.push(problem("ASN217", `products[${p}] has the same name as products[${names.get(name)}]`,
            `/products/${p}/name`, 0, 0, "their output files would overwrite each other"));
        } else names.set(name, p);
      }
      const members = get(product, "members");
      if (!Array.isArray(members)) return;
      out = out.concat(memberList(p, members, stage));
      if (stage !== null && members.length) out = out.concat(science(p, product, members, stage));
    });
    return out;
  }

  function memberList(p, members, stage) {
    const out = [];
    const seen = new Map();
    members.forEach((member, m) => {
      if (!isObject(member) || typeof get(member, "expname") !== "string") return;
      const expname = member.expname;
      const at = `/products/${p}/members/${m}/expname`;
      out.push(...unsafe("member name", expname, at));
      const size = utf8Size(basename(expname));
      if (size > DATA.name_max) {
        out.push(problem("ASN224", `member name ${pyRepr(C(expname))} is ${size} bytes long: no file ` +
          `name can be longer than ${DATA.name_max} bytes`, at, 0, 0,
        "a member is the name of an existing file such as jw..._cal.fits"));
      }
      const base = basename(expname);
      if (expname && (isBlank(base) || base === "." || base === "..")) {
        out.push(problem("ASN223", `member name ${pyRepr(C(expname))} names no file`, at, 0, 0,
          "a member is a file name such as jw..._cal.fits"));
      }
      if (expname.includes("/") || expname.includes("\\")) {
        out.push(problem("ASN201", `member name ${pyRepr(C(expname))} carries a directory path`, at, 0, 0,
          `put the file beside the association and write just ${pyRepr(C(basename(expname)))}`));
      }
      if (seen.has(expname)) {
        out.push(problem("ASN202", `${pyRepr(C(expname))} is listed twice in products[${p}] ` +
          `(first as members[${seen.get(expname)}])`, at, 0, 0, "remove the repeated member"));
      } else seen.set(expname, m);
      if (expname && !SUFFIX.test(expname) && !basename(expname).includes(".")) {
        out.push(problem("ASN219", `member name ${pyRepr(C(expname))} has no file extension`, at, 0, 0,
          "members are files such as jw..._cal.fits"));
      }
      out.push(...memberStage(member, at, stage));
    });
    return out;
  }

  let unsafeRe = null;

  /** ASN221: characters that end a line, drive a terminal or reorder text in a name. */
  function unsafe(what, name, at) {
    if (unsafeRe === null) unsafeRe = new RegExp(DATA.unsafe, "u");
    if (!unsafeRe.test(name)) return [];
    return [problem("ASN221", `${what} ${pyRepr(C(name))} holds a control, line-break, bidi or invisible character`,
      at, 0, 0, "the pipeline would open or write a file of that name; use plain letters, digits, " +
      "'_', '-' and '.'")];
  }

  /** UTF-8 length of a string (a lone surrogate counts 3, as Python's surrogatepass). */
  function utf8Size(s) {
    let n = 0;
    for (const ch of s) {
      const c = ch.codePointAt(0);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    return n;
  }

  /** Python's not s.strip(). */
  function isBlank(s) {
    for (let k = 0; k < s.length; k++) if (!PY_SPACE.has(s.charCodeAt(k))) return false;
    return true;
  }

  /** The product name becomes output file names: no path, no hidden characters. */
  function productName(p, name) {
    const at = `/products/${p}/name`;
    const out = unsafe("product name", name, at);
    const size = utf8Size(name), ending = DATA.output_ending;
    if (size + ending.length > DATA.name_max) {
      out.push(problem("ASN224", `product name ${pyRepr(C(name))} is ${size} bytes long: with the output ` +
        `ending ${pyRepr(ending)} the pipeline's file names would be longer than ${DATA.name_max} bytes, ` +
        "which file systems refuse", at, 0, 0, `keep product names to ${DATA.name_max - ending.length} bytes`));
    }
    if (name.includes("/") || name.includes("\\")) {
      out.push(problem("ASN222", `product name ${pyRepr(C(name))} carries a path: the pipeline names its ` +
        "output files from it, so they would be written elsewhere", at, 0, 0,
      `write a plain name such as ${pyRepr(C(basename(name) || "jw01234-o001_t001"))}`));
    } else if (isBlank(name) || name === "." || name === "..") {
      out.push(problem("ASN223", `product name ${pyRepr(C(name))} names no file`, at, 0, 0,
        "the product name is the stem of the output file names"));
    }
    return out;
  }

  function memberStage(member, at, stage) {
    const role = get(member, "exptype");
    const suffix = suffixOf(member.expname);
    const madeBy = suffix !== null && has(DATA.suffix_stages, suffix) ? DATA.suffix_stages[suffix] : null;
    if (stage === null || madeBy === null || typeof role !== "string" ||
        !STAGED_ROLES[stage].includes(role.toLowerCase())) return [];
    if (stage === 3 && madeBy < 2) {
      return [problem("ASN210", `Stage 3 ${role} member has suffix _${suffix}; Stage 3 combines ` +
        "calibrated files", at, 0, 0, `use the Stage 2 output (_cal or _calints) instead of _${suffix}`)];
    }
    const inputs = DATA.stage2_inputs;
    if (stage === 2 && !inputs.includes(suffix)) {
      const wanted = inputs.slice().sort().map((s) => `_${s}`).join(" or ");
      return [problem("ASN211", `Stage 2 ${role} member has suffix _${suffix}; Stage 2 takes count-rate ` +
        `files (${wanted})`, at, 0, 0, madeBy < 2 ? "finish Stage 1 first (it writes _rate files)"
        : `Stage 2 would recalibrate an already calibrated _${suffix} file`)];
    }
    return [];
  }

  function science(p, product, members, stage) {
    // The pipeline lower-cases exptype before it looks for the science member.
    const sci = members.filter((m) => isObject(m) && typeof get(m, "exptype") === "string" &&
      m.exptype.toLowerCase() === "science");
    const at = `/products/${p}`;
    if (stage === 2 && sci.length !== 1) {
      const count = sci.length ? String(sci.length) : "no";
      return [problem("ASN213", `Stage 2 products[${p}] has ${count} science members; it needs exactly one`,
        at, 0, 0, "a Stage 2 product calibrates one exposure; split it")];
    }
    if (stage === 3 && !sci.length) {
      return [problem("ASN214", `products[${p}] has no science member`, at, 0, 0,
        'at least one member needs "exptype": "science"')];
    }
    if (stage === 2) {
      const expname = get(sci[0], "expname");
      const name = get(product, "name");
      if (typeof expname === "string" && typeof name === "string" && name) {
        const expected = level2ProductName(expname);
        if (expected !== name) {
          return [problem("ASN212", `product name ${pyRepr(C(name))} differs from its science member ` +
            `${pyRepr(C(expname))}`, `${at}/name`, 0, 0,
          `the pipeline names Stage 2 outputs from the member: ${pyRepr(C(expected))}`)];
        }
      }
    }
    return [];
  }

  let removeSuffixRe = null;

  function level2ProductName(expname) {
    let stem = basename(expname);
    for (const ext of DATA.extensions) {
      if (stem.endsWith("." + ext)) {
        stem = stem.slice(0, stem.length - ext.length - 1);
        break;
      }
    }
    if (removeSuffixRe === null) {
      const alts = DATA.known_suffixes.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
      // Python's "$" also matches before a final newline; [^] is its DOTALL-free "."
      removeSuffixRe = new RegExp(`^([^\\n]+?)((_|-)(${alts}))?(?:$|(?=\\n$))`, "u");
    }
    const m = removeSuffixRe.exec(stem);
    return m ? m[1] : stem;
  }

  function NamingError(part, expected) {
    this.part = part;
    this.expected = expected;
  }

  const ACID_SHAPE = /^(?:o[0-9]{3}|[acr][0-9]{4})$/;
  const KINDS = { o: "observation", c: "candidate", a: "discovered", r: "reserved" };

  function digits(part, text, width) {
    if (cpLength(text) !== width || !/^[0-9]+$/.test(text)) throw new NamingError(part, `${width} digits`);
    return parseInt(text, 10);
  }

  function parseCandidateId(text) {
    const cps = codePoints(text);
    const letter = cps[0] || "";
    const rest = cps.slice(1).join("");
    if (!has(KINDS, letter)) {
      throw new NamingError("candidate id",
        "o (observation), c (candidate), a (discovered) or r (reserved) followed by digits");
    }
    const kind = KINDS[letter];
    const width = kind === "observation" ? 3 : 4;
    const number = digits(`${kind} number`, rest, width);
    if (kind === "candidate" && rest[0] !== "1") throw new NamingError("candidate number", "c1NNN (1000-1999)");
    if (kind === "discovered" && rest[0] !== "3") throw new NamingError("discovered number", "a3NNN (3000-3999)");
    return { kind, number, text: letter + String(number).padStart(width, "0") };
  }

  function idProblems(data, filename) {
    let out = [];
    let asnId = get(data, "asn_id");
    if (typeof asnId === "string" && ACID_SHAPE.test(asnId)) out = out.concat(acidKind(asnId, get(data, "asn_rule")));
    else asnId = null; // missing or malformed: the schema reports it
    // Not ported: the Stage 3 product-name checks (ASN203, ASN205, ASN209 by product name).
    if (filename) out = out.concat(fileName(data, filename, asnId));
    return out;
  }

  function acidKind(asnId, rule) {
    let kind;
    try {
      kind = parseCandidateId(asnId).kind;
    } catch (err) {
      if (!(err instanceof NamingError)) throw err;
      return [problem("ASN220", `asn_id ${pyRepr(asnId)} is outside the range of its kind`, "/asn_id", 0, 0,
        `${err.part}: expected ${err.expected}`)];
    }
    if (typeof rule !== "string") return [];
    if (rule.startsWith("discover_") && kind !== "discovered") {
      return [problem("ASN206", `asn_id ${pyRepr(asnId)} is an ${kind} id but the rule ${pyRepr(C(rule))} ` +
        "discovers associations", "/asn_id", 0, 0, "discovered associations have ids a3001, a3002, ...")];
    }
    if (rule.startsWith("candidate_") && kind === "discovered") {
      return [problem("ASN206", `asn_id ${pyRepr(asnId)} is a discovered id but the rule ${pyRepr(C(rule))} ` +
        "works from pool candidates", "/asn_id", 0, 0,
      "candidate associations have o (observation) or c (candidate) ids")];
    }
    return [];
  }

  const ASN_SHAPE = "jw<ppppp>-<acid>(_<version>)_<asn_type>_<NNNNN>_asn.json";

  function parseAsnFilename(text) {
    if (!text.endsWith("_asn.json")) throw new NamingError("ending", "_asn.json");
    const parts = text.slice(0, -"_asn.json".length).split("_");
    if (parts.length < 3 || !parts[0].startsWith("jw")) throw new NamingError("association file name", ASN_SHAPE);
    const head = parts[0].slice(2);
    const dash = head.indexOf("-");
    if (dash < 0) throw new NamingError("jw<ppppp>-<acid>", "a '-' between program and candidate id");
    const program = digits("program", head.slice(0, dash), 5);
    let acid;
    try {
      acid = parseCandidateId(head.slice(dash + 1)).text;
    } catch (err) {
      if (!(err instanceof NamingError)) throw err;
      throw new NamingError(`candidate id (${err.part})`, err.expected);
    }
    digits("sequence", parts[parts.length - 1], 5);
    const asnType = parts[parts.length - 2];
    if (!DATA.asn_types.includes(asnType)) throw new NamingError("asn_type", "one of " + DATA.asn_types.join(", "));
    const version = parts.slice(1, -2).join("_") || null;
    if (version !== null && version.includes("_")) throw new NamingError("version", "one part without '_'");
    if (version !== null && !/^[a-z0-9][a-z0-9.-]*$/.test(version)) {
      throw new NamingError("version", "lower-case letters, digits, '.' or '-'");
    }
    return { program, acid, asn_type: asnType, version };
  }

  function fileName(data, filename, asnId) {
    const base = filename.split("/").pop();
    let parts;
    try {
      parts = parseAsnFilename(base);
    } catch (err) {
      if (!(err instanceof NamingError)) throw err;
      return [problem("ASN207", `file name ${pyRepr(C(base))} breaks the association naming convention`,
        "", 0, 0, `${err.part}: expected ${clip(err.expected, 80)}`)];
    }
    const out = [];
    const found = [["asn_id", parts.acid, "ASN204"], ["asn_type", parts.asn_type, "ASN208"],
      ["version_id", parts.version, "ASN218"]];
    for (const [field, said, code] of found) {
      const value = field === "asn_id" ? asnId : get(data, field);
      if (said !== null && typeof value === "string" && value && value !== said) {
        out.push(problem(code, `${field} is ${pyRepr(C(value))} but the file name says ${pyRepr(said)}`,
          `/${field}`, 0, 0, `rename the file or fix ${field}`));
      }
    }
    const program = get(data, "program");
    if (typeof program === "string" && /^[0-9]+$/.test(program) && Number(program) !== parts.program) {
      out.push(problem("ASN209", `program is ${pyRepr(C(program))} but the file name says ` +
        `${String(parts.program).padStart(5, "0")}`, "/program", 0, 0, "rename the file or fix program"));
    }
    return out;
  }

  // ------------------------------------------------------------------- the validator

  const AT_KEY = new Set(["ASN216", "ASN007"]);

  /** Problems of one file, like asnatlas.validation.validate_bytes(raw, name, path=path). */
  function validateBytes(bytes, name, path) {
    let [text, problems] = decode(bytes);
    if (text !== null) problems = problems.concat(validateText(text, path));
    for (const p of problems) p.file = name;
    return sortProblems(problems);
  }

  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

  function surrogateProblem(code, pointer, line, col) {
    // The pointer may run through keys holding lone surrogates: show them as escapes.
    const shown = pointer.replace(LONE_SURROGATE, (ch) => "\\u" + hex(ch.charCodeAt(0), 4));
    return problem("ASN016", `lone surrogate \\u${hex(code, 4)} in a string: the text is not valid Unicode`,
      shown, line, col, "remove it, or write the whole pair (such as \\ud83d\\ude00)");
  }

  function validateText(text, path) {
    const locate = makeLocator(text);
    const deep = tooDeep(text);
    if (deep >= 0) {
      const [line, col] = locate(deep);
      return [problem("ASN015", `the JSON is nested more than ${DATA.max_depth} levels deep`, "", line, col,
        "an association nests four levels: association, products, product, members")];
    }
    let parsed;
    try {
      parsed = parse(text);
    } catch (err) {
      if (err instanceof Syntax) return [syntaxProblem(text, err, locate)];
      throw err;
    }
    const fatal = parsed.bigIntegers.map(([pointer, digits, at]) => {
      const [line, col] = locate(at);
      return problem("ASN014", `an integer of ${digits} digits: Python's JSON reader (the pipeline's) ` +
        `refuses integers over ${DATA.int_max_digits} digits`, pointer, line, col, "write it as a string, or shorten it");
    }).concat(parsed.surrogates.map(([pointer, code, at]) => {
      const [line, col] = locate(at);
      return surrogateProblem(code, pointer, line, col);
    }));
    if (fatal.length) return fatal;
    const problems = [];
    for (const [pointer, key, at] of parsed.duplicates) {
      const [line, col] = locate(at);
      problems.push(problem("ASN007", `duplicate key ${pyRepr(key)}: the last value silently wins`,
        pointer, line, col, "remove or rename one of the two"));
    }
    for (const [pointer, word, at] of parsed.constants) {
      const [line, col] = locate(at);
      problems.push(problem("ASN008", `${word} is not a JSON value`, pointer, line, col,
        'use null or a quoted string such as "NaN"'));
    }
    const more = schemaProblems(parsed.data, parsed.floats).concat(semanticProblems(parsed.data, path));
    const position = (pointer, atKey) => {
      if (atKey && parsed.keys.has(pointer)) return locate(parsed.keys.get(pointer));
      for (;;) {
        if (parsed.values.has(pointer)) return locate(parsed.values.get(pointer));
        if (!pointer) return [1, 1];
        pointer = pointer.slice(0, pointer.lastIndexOf("/"));
      }
    };
    for (const p of more) {
      if (p.pointer || p.code !== "ASN207") [p.line, p.column] = position(p.pointer, AT_KEY.has(p.code));
    }
    return problems.concat(more);
  }

  // asnatlas.safetext.visible and asnatlas.validate.report.shown, ported.
  const NAMED = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\f": "\\f", "\0": "\\0" };
  const CI_COMMAND = /##(?=vso\[|\[|teamcity\[)/gi;
  let visibleRe = null;

  function shown(text) {
    if (visibleRe === null) visibleRe = new RegExp(DATA.unsafe, "gu");
    text = text.replace(visibleRe, (ch) => {
      if (has(NAMED, ch)) return NAMED[ch];
      const c = ch.codePointAt(0);
      if (c <= 0xff) return "\\x" + hex(c, 2);
      return c <= 0xffff ? "\\u" + hex(c, 4) : "\\U" + hex(c, 8);
    });
    text = text.replace(LONE_SURROGATE, (ch) => "\\u" + hex(ch.charCodeAt(0), 4));
    return text.replace(CI_COMMAND, "#\\x23");
  }

  /** One problem as `asnatlas validate` prints it. */
  function textLine(p) {
    let where = shown(p.file);
    if (p.line) where += `:${p.line}:${p.column}`;
    let line = `${where}: ${p.code} ${p.severity}: ${shown(p.message)}`;
    if (p.pointer) line += ` (at ${shown(p.pointer)})`;
    if (p.hint) line += `; hint: ${shown(p.hint)}`;
    if (line.replace(/^\s+/, "").startsWith("::")) line = line.replace(":", "\\x3a");
    return line;
  }

  /** The closing line of `asnatlas validate`. */
  function summary(files, problems) {
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    const bad = new Set(problems.map((p) => p.file)).size;
    const noun = files === 1 ? "file" : "files";
    if (!problems.length) return `${files} ${noun} checked: all valid`;
    return `${files} ${noun} checked: ${errors} error${errors !== 1 ? "s" : ""}, ` +
      `${warnings} warning${warnings !== 1 ? "s" : ""} in ${bad} ${bad === 1 ? "file" : "files"}`;
  }

  /** Everything the page shows for one file; `strict` turns warnings into errors, `dms`
   * (--profile dms) the ground-system warnings. */
  function check(bytes, name, path, strict, dms) {
    const problems = validateBytes(bytes, name, path);
    for (const p of problems) if (strict || (dms && DATA.codes[p.code][2])) p.severity = "error";
    const valid = !problems.some((p) => p.severity === "error");
    return { problems, valid, exitStatus: valid ? 0 : 1, summary: summary(1, problems),
      lines: problems.map(textLine) };
  }

  function loadData(doc) {
    const node = doc.getElementById("asnv-data");
    if (!node) throw new Error("the page lacks its validator data (#asnv-data)");
    DATA = JSON.parse(node.textContent);
  }

  // ------------------------------------------------------------------------- the page

  function setupPage() {
    const root = document.getElementById("asn-validator");
    if (!root) return;
    const $ = (id) => document.getElementById(id);
    const input = $("asnv-input");
    const nameField = $("asnv-name");
    const strict = $("asnv-strict");
    const dms = $("asnv-dms");
    const fileInput = $("asnv-file");
    const verdict = $("asnv-verdict");
    const list = $("asnv-problems");
    const encoder = new TextEncoder();
    let bytes = null; // the dropped file's exact bytes, until the text is edited

    try {
      loadData(document);
      if (!window.AsnSchemas) throw new Error("asn-schemas.js did not load");
    } catch (err) {
      verdict.textContent = `The validator cannot run: ${err.message}`;
      verdict.className = "asnv-verdict asnv-broken";
      return;
    }
    root.classList.add("asnv-ready");

    function run() {
      if (!input.value && bytes === null) {
        verdict.textContent = "Paste an association above, or drop a *_asn.json file on it.";
        verdict.className = "asnv-verdict";
        list.replaceChildren();
        return;
      }
      const name = nameField.value.trim();
      const raw = bytes !== null ? bytes : encoder.encode(input.value);
      const result = check(raw, name || "<stdin>", name || null, strict.checked, dms.checked);
      verdict.textContent = (result.valid ? "Valid" : "Not valid") +
        ` (exit status ${result.exitStatus}): ${result.summary}`;
      verdict.className = "asnv-verdict " + (result.valid ? "asnv-valid" : "asnv-invalid");
      const items = result.problems.map((p, k) => {
        const li = document.createElement("li");
        li.className = `asnv-${p.severity}`;
        const code = document.createElement("code");
        code.textContent = result.lines[k];
        li.append(code);
        if (p.line) {
          li.tabIndex = 0;
          li.title = "show this place in the text";
          const go = () => selectPosition(input, p.line, p.column);
          li.addEventListener("click", go);
          li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
        }
        return li;
      });
      list.replaceChildren(...items);
    }

    function loadFile(file) {
      file.arrayBuffer().then((buffer) => {
        bytes = new Uint8Array(buffer);
        // Show the text as the file holds it; undecodable bytes show as U+FFFD.
        input.value = new TextDecoder("utf-8").decode(bytes);
        nameField.value = file.name;
        run();
      });
    }

    let timer = null;
    input.addEventListener("input", () => {
      bytes = null; // edited: validate the text as shown
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    nameField.addEventListener("input", run);
    strict.addEventListener("change", run);
    dms.addEventListener("change", run);
    $("asnv-run").addEventListener("click", run);
    fileInput.addEventListener("change", () => { if (fileInput.files[0]) loadFile(fileInput.files[0]); });
    for (const target of [input, root]) {
      target.addEventListener("dragover", (ev) => { ev.preventDefault(); root.classList.add("asnv-drop"); });
      target.addEventListener("dragleave", () => root.classList.remove("asnv-drop"));
    }
    root.addEventListener("drop", (ev) => {
      ev.preventDefault();
      root.classList.remove("asnv-drop");
      const file = ev.dataTransfer && ev.dataTransfer.files[0];
      if (file) loadFile(file);
    });
    run();
  }

  function selectPosition(textarea, line, column) {
    const text = textarea.value;
    let offset = 0;
    for (let l = 1; l < line; l++) {
      const nl = text.indexOf("\n", offset);
      if (nl < 0) break;
      offset = nl + 1;
    }
    // Columns count code points; step over surrogate pairs.
    for (let c = 1; c < column && offset < text.length; c++) {
      const code = text.charCodeAt(offset);
      offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    textarea.focus();
    textarea.setSelectionRange(offset, Math.min(offset + 1, text.length));
  }

  window.AsnValidator = { check, validateBytes, textLine, summary, loadData };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupPage);
  else setupPage();
})();
