// Builds the same answer markup as templates/_answer.html, from /api/ask JSON.
// Every piece of text goes in through textContent or createTextNode, never innerHTML.
(function () {
  "use strict";

  var HOTLINE = "深圳市民政局咨询电话，或 12345 政务服务便民热线";
  var MARKER = /\[(\d{1,3})\]/g;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function passageUrl(docId, start, end) {
    var url = "/documents/" + encodeURIComponent(docId);
    if (start !== undefined && start !== null && end !== undefined && end !== null) {
      url += "?start=" + encodeURIComponent(start) + "&end=" + encodeURIComponent(end) + "#passage";
    }
    return url;
  }

  function link(href, text, className, newTab) {
    var a = el("a", className, text);
    a.href = href;
    if (newTab) {
      a.target = "_blank";
      a.rel = "noopener";
    }
    return a;
  }

  function citeLink(citation, newTab) {
    var a = link(passageUrl(citation.doc_id, citation.start, citation.end), "[" + citation.n + "]", "cite", newTab);
    a.title = "《" + citation.title + "》" + (citation.date || "");
    return a;
  }

  function byNumber(answer) {
    var map = {};
    (answer.citations || []).forEach(function (c) { map[c.n] = c; });
    return map;
  }

  // Text and [n] markers, as api.split_markers does it: only numbers with a citation link.
  function splitMarkers(text, citations) {
    var parts = [];
    var position = 0;
    var match;
    MARKER.lastIndex = 0;
    while ((match = MARKER.exec(text)) !== null) {
      var citation = citations[Number(match[1])];
      if (!citation) continue;
      if (match.index > position) parts.push({ text: text.slice(position, match.index) });
      parts.push({ text: match[0], citation: citation });
      position = match.index + match[0].length;
    }
    if (position < text.length) parts.push({ text: text.slice(position) });
    return parts;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // Plain and matched parts of a passage, as api.highlight does it (longest term first).
  function highlight(text, terms) {
    if (!terms || !terms.length) return [{ text: text }];
    var sorted = terms.slice().sort(function (a, b) { return b.length - a.length; });
    var pattern = new RegExp(sorted.map(escapeRegExp).join("|"), "gi");
    var parts = [];
    var position = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match[0].length === 0) { pattern.lastIndex += 1; continue; }
      if (match.index > position) parts.push({ text: text.slice(position, match.index) });
      parts.push({ text: match[0], marked: true });
      position = match.index + match[0].length;
    }
    if (position < text.length) parts.push({ text: text.slice(position) });
    return parts;
  }

  function markedText(node, text, citations, newTab) {
    splitMarkers(text, citations).forEach(function (part) {
      node.appendChild(part.citation ? citeLink(part.citation, newTab) : document.createTextNode(part.text));
    });
    return node;
  }

  // As api.answer_segments: conflict notes move out of the text into the conflicts card.
  function answerText(answer) {
    var text = answer.answer || "";
    (answer.conflicts || []).forEach(function (c) {
      if (c.note) text = text.split(c.note).join("");
    });
    return text.replace(/\n{2,}/g, "\n").trim();
  }

  // As api.group_facts: one row per label, values in order, duplicates dropped.
  function groupFacts(facts) {
    var groups = [];
    var byLabel = {};
    facts.forEach(function (f) {
      var group = byLabel[f.label];
      if (!group) {
        group = byLabel[f.label] = { label: f.label, values: [] };
        groups.push(group);
      }
      var seen = group.values.some(function (v) { return v.value === f.value && v.citation === f.citation; });
      if (!seen) group.values.push(f);
    });
    return groups;
  }

  // As api.shows_heading: chunks often begin with their own heading.
  function showsHeading(heading, text) {
    if (!heading) return false;
    var parts = heading.split(" > ");
    return text.replace(/^\s+/, "").indexOf(parts[parts.length - 1].trim()) !== 0;
  }

  function meta(parts) {
    return el("span", "meta", parts.filter(function (p) { return p; }).join(" · "));
  }

  function renderAnswer(answer, newTab) {
    var root = document.createDocumentFragment();
    if (answer.refused) {
      var box = el("div", answer.status === "partial" ? "refusal partial" : "refusal");
      if (answer.citations && answer.citations.length) {
        // a partial answer: what is missing, and what the documents do say, with its sources
        box.appendChild(markedText(el("p", "answer-text"), answer.answer, byNumber(answer), newTab));
        box.appendChild(sourcesSection(answer, newTab));
      } else {
        box.appendChild(el("p", "answer-text", answer.answer || "抱歉，现有的政策文件里没有找到能回答这个问题的内容。"));
      }
      if (answer.related && answer.related.length) {
        box.appendChild(el("p", "related-title", "以下文件可能相关，供参考："));
        var list = el("ul", "related");
        answer.related.forEach(function (r) {
          var li = el("li");
          li.appendChild(link(passageUrl(r.doc_id, r.start, r.end), "《" + r.title + "》", "", newTab));
          li.appendChild(document.createTextNode(" "));
          li.appendChild(meta([r.kind, r.date]));
          list.appendChild(li);
        });
        box.appendChild(list);
      }
      box.appendChild(el("p", "hotline", "如需人工咨询，请拨打" + HOTLINE + "。"));
      root.appendChild(box);
      return root;
    }
    var citations = byNumber(answer);
    root.appendChild(markedText(el("p", "answer-text"), answerText(answer), citations, newTab));

    if (answer.facts && answer.facts.length) {
      var facts = el("section", "facts");
      facts.setAttribute("aria-label", "要点");
      facts.appendChild(el("h3", "", "要点"));
      var dl = el("dl");
      groupFacts(answer.facts).forEach(function (group) {
        var row = el("div", "fact");
        row.appendChild(el("dt", "", group.label));
        var dd = el("dd");
        group.values.forEach(function (f, i) {
          if (i > 0) dd.appendChild(document.createTextNode("；"));
          dd.appendChild(document.createTextNode(f.value));
          if (citations[f.citation]) dd.appendChild(citeLink(citations[f.citation], newTab));
        });
        row.appendChild(dd);
        dl.appendChild(row);
      });
      facts.appendChild(dl);
      root.appendChild(facts);
    }

    if (answer.conflicts && answer.conflicts.length) {
      var conflicts = el("section", "conflicts");
      conflicts.setAttribute("aria-label", "说法不一致");
      conflicts.appendChild(el("h3", "", "请注意：不同时间的文件说法不一致"));
      answer.conflicts.forEach(function (c) {
        conflicts.appendChild(el("p", "conflict-topic", c.topic));
        var ul = el("ul");
        c.values.forEach(function (v) {
          var li = el("li");
          li.appendChild(el("strong", "", v.value));
          li.appendChild(document.createTextNode(" — 《" + v.title + "》" + (v.date ? "（" + v.date + "）" : "")));
          if (citations[v.citation]) {
            li.appendChild(document.createTextNode(" "));
            li.appendChild(citeLink(citations[v.citation], newTab));
          }
          ul.appendChild(li);
        });
        conflicts.appendChild(ul);
        if (c.note) conflicts.appendChild(markedText(el("p", "conflict-note"), c.note, citations, newTab));
      });
      root.appendChild(conflicts);
    }

    if (answer.citations && answer.citations.length) root.appendChild(sourcesSection(answer, newTab));
    return root;
  }

  // The cited documents, each with its sentence: for answers and for partial answers alike.
  function sourcesSection(answer, newTab) {
    var sources = el("section", "sources");
    sources.setAttribute("aria-label", "出处");
    sources.appendChild(el("h3", "", "出处"));
    var ol = el("ol");
    answer.citations.forEach(function (c) {
      var li = el("li");
      li.appendChild(link(passageUrl(c.doc_id, c.start, c.end), "[" + c.n + "] 《" + c.title + "》", "source-title", newTab));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(meta([c.kind, c.number ? "第" + c.number + "号" : "", c.date]));
      li.appendChild(el("blockquote", "", c.text));
      ol.appendChild(li);
    });
    sources.appendChild(ol);
    return sources;
  }

  function hidden(name, value) {
    var input = el("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  // The same form as the feedback_form macro, so one submit handler serves both.
  function renderFeedback(question, answer) {
    var form = el("form", "feedback");
    form.method = "post";
    form.action = "/feedback";
    form.enctype = "multipart/form-data";
    form.appendChild(hidden("question", question));
    form.appendChild(hidden("answer", (answer.answer || "").slice(0, 1500)));
    (answer.citations || []).forEach(function (c) { form.appendChild(hidden("citations", c.doc_id)); });
    var row = el("div", "rate-row");
    row.appendChild(el("span", "rate-label", "这个回答有帮助吗？"));
    [["1", "👍", "有帮助"], ["-1", "👎", "没有帮助"]].forEach(function (spec) {
      var button = el("button", "rate", spec[1]);
      button.type = "submit";
      button.name = "rating";
      button.value = spec[0];
      button.setAttribute("aria-label", spec[2]);
      button.title = spec[2];
      row.appendChild(button);
    });
    form.appendChild(row);
    var details = el("details", "comment");
    details.appendChild(el("summary", "", "想补充几句？（可选，写好后再点 👍 或 👎）"));
    var textarea = el("textarea");
    textarea.name = "comment";
    textarea.rows = 2;
    textarea.maxLength = 2000;
    textarea.setAttribute("aria-label", "补充意见");
    details.appendChild(textarea);
    form.appendChild(details);
    var status = el("p", "feedback-status");
    status.setAttribute("role", "status");
    form.appendChild(status);
    return form;
  }

  // Ready-to-read text for the hotline: the answer, then "[n] 《title》（kind，date）".
  function copyText(answer) {
    var lines = [(answer.answer || "").trim()];
    if (answer.refused) lines.push("如需进一步咨询，请拨打" + HOTLINE + "。");
    if (answer.citations && answer.citations.length) {
      lines.push("", "出处：");
      answer.citations.forEach(function (c) {
        var details = [c.kind, c.date].filter(function (p) { return p; }).join("，");
        lines.push("[" + c.n + "] 《" + c.title + "》（" + details + "）");
      });
    }
    return lines.join("\n");
  }

  // Error text for a failed API call, in the interface's language.
  function problem(status, detail) {
    if (status === 429) return "提问太频繁了，请稍等一会儿再试。";
    if (status === 503) return "服务正在准备中，请稍后再试。";
    if (status === 413) return "内容太长了，请精简后再试。";
    if (status === 400 || status === 422) return "这个问题无法处理：" + (detail || "请换个说法再试。");
    return "出了点问题，请稍后再试，或拨打" + HOTLINE + "。";
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  // One handler for every feedback form on the page, server-rendered or built above.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("feedback")) return;
    event.preventDefault();
    var submitter = event.submitter;
    var rating = submitter && submitter.value ? Number(submitter.value) : 0;
    if (rating !== 1 && rating !== -1) return;
    var data = new FormData(form);
    var status = form.querySelector(".feedback-status");
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    postJson("/api/feedback", {
      question: String(data.get("question") || ""),
      answer: String(data.get("answer") || ""),
      rating: rating,
      comment: String(data.get("comment") || "").trim(),
      citations: data.getAll("citations").map(String)
    }).then(function (result) {
      if (result.ok) {
        form.classList.add("sent");
        status.textContent = "谢谢您的反馈！";
        if (submitter) submitter.classList.add("chosen");
      } else {
        buttons.forEach(function (b) { b.disabled = false; });
        status.textContent = problem(result.status, result.data.detail);
      }
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      status.textContent = problem(0);
    });
  });

  window.Minzheng = {
    el: el,
    passageUrl: passageUrl,
    splitMarkers: splitMarkers,
    highlight: highlight,
    showsHeading: showsHeading,
    renderAnswer: renderAnswer,
    renderFeedback: renderFeedback,
    copyText: copyText,
    problem: problem,
    postJson: postJson
  };
})();
