// The offline search of a static copy: the live search's analysis and ranking, in the browser.
//
// Everything it knows comes from <lang>/search-index.js, which rumours/publishing/offline_search.py
// writes from the live search's own definitions (rumours/search/analysis.py, stopwords.py,
// expansion.py, ranking.py, searcher.py): the token pattern (generated from the server's), the
// folds, the Haitian Creole spellings, the stop words, the Arabic clitics, the stem the server
// gives every word the library and the thesaurus use, the thesaurus, the weights and the
// thresholds. The documents' terms are kept in MiniSearch (static/vendor/minisearch/, loaded
// first); the claim-coverage ranking on top of it is the live search's. A word the copy does
// not have is matched through the same fallbacks as the live search (Arabic clitics off, then
// the longest known stem it starts with); close spellings of unknown words are the live
// search's alone.
//
// window.RumoursOfflineSearch.search(index, query, readerLang) returns
// {answered: bool, results: [{doc, score, match: "answer" | "related"}]};
// window.RumoursOfflineSearch.analyser(index) gives the analysis steps on their own
// (cleanQuery, tokens, fold, words, term, fallbackTerms, queryWords), which the tests hold
// to the server's.
(function () {
  "use strict";

  var FIELDS = ["head", "summary", "body"];
  var prepared = typeof WeakMap === "function" ? new WeakMap() : null;
  var own = Object.prototype.hasOwnProperty;

  function spaces(text) { return text.split(" "); }
  function same(term) { return term; }

  // The documents' terms in MiniSearch: one field per part of a rumour, the terms already
  // analysed by the server (so tokenizing is splitting, and terms are taken as they are).
  function miniSearch(index) {
    var engine = new window.MiniSearch({
      idField: "n",
      fields: FIELDS,
      tokenize: spaces,
      processTerm: same,
      extractField: function (entry, field) {
        if (field === "n") { return entry.n; }
        return entry.doc.terms[field].map(function (n) { return index.terms[n]; }).join(" ");
      },
      searchOptions: {prefix: false, fuzzy: false, tokenize: spaces, processTerm: same},
    });
    engine.addAll(index.docs.map(function (doc, n) { return {n: n, doc: doc}; }));
    return engine;
  }

  function prepare(index) {
    var cached = prepared && prepared.get(index);
    if (cached) { return cached; }
    var a = index.analysis;
    var byFirst = {};
    var byConcept = {};
    index.thesaurus.members.forEach(function (m) {
      var member = {concept: m[0], lang: m[1], pattern: m[2], surfaces: m[3], searchable: m[4]};
      (byFirst[member.pattern[0]] = byFirst[member.pattern[0]] || []).push(member);
      if (member.searchable) {
        (byConcept[member.concept] = byConcept[member.concept] || []).push(member);
      }
    });
    var ready = {index: index, engine: miniSearch(index), postings: {},
                 analyser: analyser(index), byFirst: byFirst, byConcept: byConcept,
                 weighing: index.ranking.weighing_fields,
                 lines: index.docs.map(function (doc) {
                   return doc.lines.map(function (line) {
                     return line.map(function (n) { return index.terms[n]; });
                   });
                 })};
    ready.stopMark = a.stop_mark;
    if (prepared) { prepared.set(index, ready); }
    return ready;
  }

  // Where a term is: {document number: {field: true}}, from MiniSearch (kept per term).
  function postings(ready, term) {
    if (!own.call(ready.postings, term)) {
      var found = {};
      ready.engine.search(term).forEach(function (result) {
        var fields = {};
        (result.match[term] || []).forEach(function (f) { fields[f] = true; });
        found[result.id] = fields;
      });
      ready.postings[term] = found;
    }
    return ready.postings[term];
  }

  function known(ready, term) {
    return Object.keys(postings(ready, term)).length > 0;
  }

  // ---------------------------------------------------------------- analysis

  // The analysis of rumours.search.analysis and searcher.clean_query, from the index's tables.
  function analyser(index) {
    var a = index.analysis;
    var tokenRe = new RegExp(a.token_pattern, "gu");
    var joinRe = new RegExp(a.join_pattern, "gu");
    var numberRe = new RegExp("^(?:" + a.number_pattern + ")$", "u");
    var digitsRe = /^\p{Nd}+$/u;
    var arabicRe = /[\u0600-\u06ff]/;
    var creole = a.creole.map(function (rule) { return [new RegExp(rule[0], "gu"), rule[1]]; });
    var stop = {};
    Object.keys(a.stopwords).forEach(function (lang) {
      stop[lang] = {};
      a.stopwords[lang].forEach(function (w) { stop[lang][w] = true; });
    });
    var forms = index.forms || {};

    function length(text) { return Array.from(text).length; }

    // searcher.clean_query: NFKC, control and separator characters as spaces, one space,
    // at most max_chars characters (cut at a space when one is in the second half).
    function cleanQuery(text) {
      if (!text) { return ""; }
      var chars = Array.from(text.slice(0, a.max_chars * 16)).slice(0, a.max_chars * 8);
      var cleaned = chars.join("").normalize("NFKC").replace(/[\p{C}\u2028\u2029]/gu, " ");
      var words = cleaned.split(/\s+/u).filter(function (w) { return w; });
      var points = Array.from(words.join(" "));
      if (points.length > a.max_chars) {
        var cut = points.slice(0, a.max_chars);
        var space = cut.lastIndexOf(" ");
        points = space > Math.floor(a.max_chars / 2) ? cut.slice(0, space) : cut;
      }
      return points.join("");
    }

    function tokens(text) {
      var found = [];
      var match;
      tokenRe.lastIndex = 0;
      while ((match = tokenRe.exec(text)) !== null) {
        var token = match[0];
        if ((token.indexOf("·") < 0 && token.indexOf(".") < 0) || numberRe.test(token)) {
          found.push(token);
          continue;
        }
        var start = 0;
        var join;
        joinRe.lastIndex = 0;
        while ((join = joinRe.exec(token)) !== null) {
          var at = join.index;
          if (token.slice(at - 1, at).toLowerCase() === "l" &&
              token.slice(at + 1, at + 2).toLowerCase() === "l") { continue; }
          if (at > start) { found.push(token.slice(start, at)); }
          start = at + 1;
        }
        if (start < token.length) { found.push(token.slice(start)); }
      }
      return found;
    }

    function fold(text) {
      var bare = text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
        .split("l·l").join("ll").split("l.l").join("ll").normalize("NFC");
      var out = "";
      Array.from(bare).forEach(function (ch) {
        out += own.call(a.folds, ch) ? a.folds[ch] : ch;
      });
      return out;
    }

    function words(text) { return tokens(text).map(fold); }

    function isStop(lang, word) {
      var here = stop[lang] || {};
      if (here[word]) { return true; }
      return lang === "ar" && length(word) > 2 && "وف".indexOf(word.charAt(0)) >= 0 &&
        !!here[word.slice(1)];
    }

    function creoleSpelling(word) {
      creole.forEach(function (rule) { word = word.replace(rule[0], rule[1]); });
      return word;
    }

    // The term of a folded word in `lang`: the server's stem when the copy has the word,
    // else the word itself (the fallbacks below find its stem's relatives).
    function term(lang, word) {
      if (isStop(lang, word) || (length(word) < 2 && !digitsRe.test(word))) { return null; }
      if (lang === "ht") { return "ht:" + creoleSpelling(word); }
      var stems = forms[lang] || {};
      return lang + ":" + (own.call(stems, word) ? stems[word] : word);
    }

    function arabicVariants(word) {
      var variants = ("وف".indexOf(word.charAt(0)) >= 0 && length(word) > 4) ? [word.slice(1)] : [];
      variants.push(word);
      variants.slice().forEach(function (form) {
        if (form.charAt(form.length - 1) === "ش" && length(form) > 4) {
          variants.unshift(form.indexOf("ما") === 0 ? form.slice(2, -1) : form.slice(0, -1));
        }
      });
      var found = [];
      variants.forEach(function (form) {
        for (var i = 0; i < a.arabic_clitics.length; i++) {
          var clitic = a.arabic_clitics[i];
          if (form.indexOf(clitic) === 0 && length(form) - length(clitic) >= 3) {
            found.push(form.slice(clitic.length));
            break;
          }
        }
        for (var j = 0; j < a.arabic_verb_prefixes.length; j++) {
          var prefix = a.arabic_verb_prefixes[j];
          if (form.indexOf(prefix[0]) === 0 && length(form) - length(prefix[0]) >= 3) {
            found.push(prefix[1] + form.slice(prefix[0].length));
            break;
          }
        }
        found.push(form);
      });
      return found.filter(function (f, n) { return f !== word && found.indexOf(f) === n; });
    }

    function fallbackTerms(lang, word) {
      var found = [];
      if ((lang === "ar") !== arabicRe.test(word)) { return found; }
      if (lang === "ar") {
        arabicVariants(word).forEach(function (variant) {
          var t = term(lang, variant);
          if (t) { found.push(t); }
        });
      }
      var base = Array.from(lang === "ht" ? creoleSpelling(word) : word);
      var minPrefix = own.call(a.min_prefix, lang) ? a.min_prefix[lang] : a.min_prefix["default"];
      var shortest = Math.max(minPrefix, base.length - a.prefix_slack);
      for (var end = base.length - 1; end >= shortest; end--) {
        found.push(lang + ":" + base.slice(0, end).join(""));
      }
      return found;
    }

    function queryWords(text) {
      var found = [];
      tokens(cleanQuery(text)).forEach(function (token) {
        var word = fold(token);
        if (word && found.indexOf(word) < 0 && found.length < a.max_words) { found.push(word); }
      });
      return found;
    }

    return {cleanQuery: cleanQuery, tokens: tokens, fold: fold, words: words, isStop: isStop,
            term: term, fallbackTerms: fallbackTerms, queryWords: queryWords};
  }

  // ------------------------------------------------------------------ thesaurus

  function sameWord(ready, lang, termText, typed, written) {
    var length = termText.length - termText.indexOf(":") - 1;
    if (lang === "ar" || length >= ready.index.analysis.short_stem) { return true; }
    var common = 0;
    while (common < typed.length && common < written.length &&
           typed.charAt(common) === written.charAt(common)) { common++; }
    return common >= Math.min(length + 1, typed.length, written.length);
  }

  function findConcepts(ready, lang, sequence) {
    var mark = ready.index.analysis.stop_mark;
    var found = [];
    sequence.forEach(function (first, start) {
      (ready.byFirst[first.token] || []).forEach(function (member) {
        if (member.lang !== lang || start + member.pattern.length > sequence.length) { return; }
        for (var i = 0; i < member.pattern.length; i++) {
          var item = sequence[start + i];
          var wanted = member.pattern[i];
          if (item.token !== wanted) { return; }
          if (wanted.indexOf(mark) !== 0 &&
              !sameWord(ready, lang, wanted, item.word, member.surfaces[i])) { return; }
        }
        var positions = [];
        for (var k = 0; k < member.pattern.length; k++) {
          if (sequence[start + k].token.indexOf(mark) !== 0) {
            positions.push(sequence[start + k].position);
          }
        }
        if (positions.length) { found.push({concept: member.concept, lang: lang, positions: positions}); }
      });
    });
    return found;
  }

  // -------------------------------------------------------------------- ranking

  // The documents (numbers) that have every term in `field`.
  function rumoursWith(ready, field, terms) {
    if (!terms.length) { return []; }
    var first = postings(ready, terms[0]);
    return Object.keys(first).map(Number).filter(function (n) {
      return terms.every(function (t) {
        var where = postings(ready, t)[n];
        return !!where && !!where[field];
      });
    });
  }

  function idf(size, count) {
    return Math.log(1 + (size - count + 0.5) / (count + 0.5));
  }

  function plan(ready, words, readerLang) {
    var index = ready.index;
    var k = index.ranking;
    var languages = index.languages;
    var readings = {};
    languages.forEach(function (lang) {
      var found = {};
      words.forEach(function (word, position) {
        var analysed = ready.analyser.term(lang, word);
        if (analysed === null) { return; }
        if (known(ready, analysed)) { found[position] = [analysed, 1]; return; }
        var guesses = ready.analyser.fallbackTerms(lang, word).filter(function (t) { return known(ready, t); });
        found[position] = guesses.length ? [guesses[0], k.prefix_weight] : [analysed, 1];
      });
      readings[lang] = found;
    });
    // the languages the query is written in
    var scores = {};
    var best = 0;
    languages.forEach(function (lang) {
      var score = lang === readerLang ? 0.5 : 0;
      words.forEach(function (word, position) {
        var reading = readings[lang][position];
        if (ready.analyser.isStop(lang, word) || (reading && reading[1] === 1 && known(ready, reading[0]))) {
          score += 1;
        }
      });
      scores[lang] = score;
      best = Math.max(best, score);
    });
    var inQuery = best <= 0.5 ? [readerLang] : languages.filter(function (l) { return scores[l] >= best; });
    var trust = {};
    words.forEach(function (word, position) {
      var knownHere = languages.filter(function (lang) {
        var reading = readings[lang][position];
        return reading && reading[1] === 1 && known(ready, reading[0]);
      });
      var other = knownHere.some(function (l) { return inQuery.indexOf(l) >= 0; }) ?
        k.foreign_reading : k.other_language;
      languages.forEach(function (lang) {
        trust[lang + " " + position] = inQuery.indexOf(lang) >= 0 ? 1 : other;
      });
    });
    var anyReading = function (p) {
      return languages.some(function (lang) { return readings[lang][p] !== undefined; });
    };
    var content = [];
    words.forEach(function (word, p) {
      var stopHere = inQuery.some(function (lang) { return ready.analyser.isStop(lang, word); });
      if (!stopHere && anyReading(p)) { content.push(p); }
    });
    if (!content.length) {
      words.forEach(function (word, p) { if (anyReading(p)) { content.push(p); } });
    }
    // concepts
    var mark = index.analysis.stop_mark;
    var matches = [];
    languages.forEach(function (lang) {
      var sequence = words.map(function (word, position) {
        var exact = ready.analyser.term(lang, word);
        if (readings[lang][position] !== undefined && exact !== null) {
          return {position: position, token: exact, word: word};
        }
        return {position: -1, token: mark + word, word: word};
      });
      findConcepts(ready, lang, sequence).forEach(function (match) {
        var kept = match.positions.filter(function (p) { return content.indexOf(p) >= 0; });
        if (kept.length) { matches.push({concept: match.concept, lang: lang, positions: kept}); }
      });
    });
    // groups of positions joined by a phrase
    var parent = {};
    content.forEach(function (p) { parent[p] = p; });
    function root(p) { while (parent[p] !== p) { p = parent[p]; } return p; }
    matches.forEach(function (match) {
      for (var i = 1; i < match.positions.length; i++) {
        parent[root(match.positions[i])] = root(match.positions[0]);
      }
    });
    var groups = {};
    content.forEach(function (p) { (groups[root(p)] = groups[root(p)] || []).push(p); });
    var slots = [];
    Object.keys(groups).map(Number).sort(function (x, y) { return x - y; }).forEach(function (key) {
      var group = groups[key];
      var slot = {positions: group, alternatives: {}, weight: 0, known: false};
      var add = function (terms, weight) {
        var name = terms.join(" ");
        if (!slot.alternatives[name] || slot.alternatives[name].weight < weight) {
          slot.alternatives[name] = {terms: terms, weight: weight};
        }
      };
      var share = group.length > 1 ? k.phrase_part : 1;
      languages.forEach(function (lang) {
        group.forEach(function (p) {
          var reading = readings[lang][p];
          if (reading) { add([reading[0]], trust[lang + " " + p] * reading[1] * share); }
        });
      });
      matches.forEach(function (match) {
        if (!match.positions.every(function (p) { return group.indexOf(p) >= 0; })) { return; }
        var here = Math.min.apply(null, match.positions.map(function (p) { return trust[match.lang + " " + p]; }));
        if (match.positions.length > 1) {
          add(match.positions.map(function (p) { return readings[match.lang][p][0]; }), here);
        }
        (ready.byConcept[match.concept] || []).forEach(function (member) {
          add(member.pattern.filter(function (t) { return t.indexOf(mark) !== 0; }),
              k.expansion_weight * here);
        });
      });
      // weight: inverse document frequency over claims, aliases and answers
      var topical = {};
      var anywhere = false;
      Object.keys(slot.alternatives).forEach(function (name) {
        var terms = slot.alternatives[name].terms;
        k.weighing_fields.forEach(function (field) {
          rumoursWith(ready, field, terms).forEach(function (r) { topical[r] = true; });
        });
        anywhere = anywhere || rumoursWith(ready, "body", terms).length > 0;
      });
      var count = Object.keys(topical).length;
      slot.known = count > 0 || anywhere;
      slot.weight = count ? Math.max(k.min_slot_weight, idf(index.docs.length, count)) :
        (anywhere ? k.body_only_share : k.unknown_share) * idf(index.docs.length, 1);
      var numeric = group.every(function (p) { return /^[\d.,]+$/.test(words[p]); });
      if (!slot.known && numeric) { slot.weight *= k.number_share; }
      slots.push(slot);
    });
    return slots;
  }

  function rank(ready, slots) {
    var k = ready.index.ranking;
    var size = ready.index.docs.length;
    var total = 0;
    var covered = {};
    var head = {};
    var claimed = [];
    var weights = [];
    slots.forEach(function (slot) {
      total += slot.weight;
      weights.push(slot.weight);
      var inClaim = {};
      if (slot.known) {
        var best = {};
        var bestHead = {};
        Object.keys(slot.alternatives).forEach(function (name) {
          var alt = slot.alternatives[name];
          k.field_levels.forEach(function (level) {
            rumoursWith(ready, level[0], alt.terms).forEach(function (r) {
              best[r] = Math.max(best[r] || 0, alt.weight * level[1]);
              if (level[0] === "head") {
                bestHead[r] = Math.max(bestHead[r] || 0, alt.weight);
                inClaim[r] = true;
              }
            });
          });
        });
        Object.keys(best).forEach(function (r) { covered[r] = (covered[r] || 0) + slot.weight * best[r]; });
        Object.keys(bestHead).forEach(function (r) { head[r] = (head[r] || 0) + slot.weight * bestHead[r]; });
      }
      claimed.push(inClaim);
    });
    var candidates = Object.keys(covered).map(Number);
    if (!candidates.length || total <= 0) { return []; }
    var byId = function (x, y) {
      var a = ready.index.docs[x].id;
      var b = ready.index.docs[y].id;
      return a < b ? -1 : a > b ? 1 : 0;
    };
    candidates.sort(function (x, y) { return covered[y] - covered[x] || byId(x, y); });
    var termWeights = {};
    slots.forEach(function (slot) {
      Object.keys(slot.alternatives).forEach(function (name) {
        var alt = slot.alternatives[name];
        alt.terms.forEach(function (t) { termWeights[t] = Math.max(termWeights[t] || 0, alt.weight); });
      });
    });
    var scores = {};
    candidates.forEach(function (r, place) {
      var score = covered[r] / total;
      if (place < k.precision_depth) {
        var precision = 0;
        ready.lines[r].forEach(function (line) {
          if (!line.length) { return; }
          var sum = 0;
          line.forEach(function (t) { sum += termWeights[t] || 0; });
          precision = Math.max(precision, sum / line.length);
        });
        score += k.precision_weight * precision;
      }
      scores[r] = score;
    });
    candidates.sort(function (x, y) { return scores[y] - scores[x] || byId(x, y); });
    var top = scores[candidates[0]];
    var specific = k.answer_specificity * idf(size, 1);
    return candidates.map(function (r) {
      var uncovered = 0;
      weights.forEach(function (w, n) { if (!claimed[n][r]) { uncovered = Math.max(uncovered, w); } });
      var answer = scores[r] >= k.answer_ratio * top && (head[r] || 0) >= specific &&
        (head[r] || 0) / total >= k.answer_coverage && uncovered / total < k.answer_uncovered;
      return {doc: ready.index.docs[r], score: scores[r], match: answer ? "answer" : "related"};
    });
  }

  function search(index, query, readerLang) {
    var ready = prepare(index);
    var words = ready.analyser.queryWords(query);
    if (!words.length) { return {answered: false, results: []}; }
    var results = rank(ready, plan(ready, words, readerLang || index.lang));
    return {answered: results.length > 0 && results[0].match === "answer", results: results};
  }

  window.RumoursOfflineSearch = {search: search, analyser: analyser};
})();
