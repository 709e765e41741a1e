// Builds the same answer markup as templates/_answer.html, from /api/ask JSON.
// Every piece of text goes in through textContent or createTextNode, never innerHTML.
(function () {
  "use strict";

  // Set by the server on <body>: whom to call (MINZHENG_CONTACT_PHONE and 12345) and the kinds in plain words.
  var body = document.body;
  var HOTLINE = body.getAttribute("data-contact") || "12345 政务服务便民热线";
  var CONTACT_PHONE = body.getAttribute("data-contact-phone") || "";
  var KIND_LABELS = {};
  try { KIND_LABELS = JSON.parse(body.getAttribute("data-kinds") || "{}"); } catch (e) { KIND_LABELS = {}; }
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
    a.setAttribute("aria-label", "出处" + citation.n + "：《" + citation.title + "》");
    return a;
  }

  // As the contact_links macro: the bureau's number (when configured) and 12345, as tel: links.
  function contactLinks(node) {
    function tel(number, text) {
      var a = link("tel:" + number.replace(/[^0-9+]/g, ""), text, "tel", false);
      node.appendChild(a);
    }
    if (CONTACT_PHONE) {
      node.appendChild(document.createTextNode("深圳市民政局咨询电话 "));
      tel(CONTACT_PHONE, CONTACT_PHONE);
      node.appendChild(document.createTextNode("，或 "));
    }
    tel("12345", "12345");
    node.appendChild(document.createTextNode(" 政务服务便民热线"));
    return node;
  }

  function kindLabel(kind) {
    return KIND_LABELS[kind] || kind;
  }

  // As the source_meta macro: citizens see the kind in plain words and no proposal number.
  function sourceMeta(item, citizen) {
    if (citizen) return meta([kindLabel(item.kind), item.date]);
    return meta([item.kind, item.number ? "第" + item.number + "号" : "", item.date]);
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

  // As rendering.answer_lead: the short first line, and the rest of the answer text.
  function answerLead(answer) {
    var text = answerText(answer);
    var lead = (answer.summary || "").trim();
    var at = lead ? text.indexOf(lead) : -1;
    // the first line may follow a short note such as （按“高龄津贴”理解）, which goes with it
    if (answer.status !== "answered" || at < 0 || at > 40) return ["", text];
    return [text.slice(0, at + lead.length), text.slice(at + lead.length).trim()];
  }

  // compact (长辈模式): each figure with its date and marker, as the conflicts_card macro
  function conflictsCard(answer, citations, newTab, compact) {
    var conflicts = el("section", "conflicts");
    conflicts.setAttribute("aria-label", "说法不一致");
    conflicts.appendChild(el("h3", "", "请注意：不同时间的文件说法不一致"));
    answer.conflicts.forEach(function (c) {
      conflicts.appendChild(el("p", "conflict-topic", c.topic));
      var ul = el("ul");
      c.values.forEach(function (v) {
        var li = el("li");
        li.appendChild(el("strong", "", v.value));
        li.appendChild(document.createTextNode((compact ? "" : " — 《" + v.title + "》") + (v.date ? "（" + v.date + "）" : "")));
        if (citations[v.citation]) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(citeLink(citations[v.citation], newTab));
        }
        ul.appendChild(li);
      });
      conflicts.appendChild(ul);
      if (c.note && !compact) conflicts.appendChild(markedText(el("p", "conflict-note"), c.note, citations, newTab));
    });
    if (compact) conflicts.appendChild(el("p", "conflict-note", "办理前请向主管部门核实适用哪一项。"));
    return conflicts;
  }

  // options.citizen: plain-word kinds; in 长辈模式 (html.elder) the citizen's answer is folded too.
  function renderAnswer(answer, newTab, options) {
    var citizen = Boolean(options && options.citizen);
    var fold = citizen && document.documentElement.classList.contains("elder");
    var root = document.createDocumentFragment();
    if (answer.refused) {
      var box = el("div", answer.status === "partial" ? "refusal partial" : "refusal");
      if (answer.citations && answer.citations.length) {
        // a partial answer: what is missing, and what the documents do say, with its sources
        box.appendChild(markedText(el("p", "answer-text"), answer.answer, byNumber(answer), newTab));
        box.appendChild(sourcesSection(answer, newTab, citizen));
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
          li.appendChild(sourceMeta(r, citizen));
          list.appendChild(li);
        });
        box.appendChild(list);
      }
      var hotline = el("p", "hotline", "如需人工咨询，请拨打");
      contactLinks(hotline).appendChild(document.createTextNode("。"));
      box.appendChild(hotline);
      root.appendChild(box);
      if (citizen) root.appendChild(renderTools(answer));
      return root;
    }
    var citations = byNumber(answer);
    var parts = answerLead(answer);
    if (parts[0]) root.appendChild(markedText(el("p", "answer-text answer-lead"), parts[0], citations, newTab));
    var hasConflicts = answer.conflicts && answer.conflicts.length;
    // without a short first line, the text itself stays in sight
    if (fold && !parts[0] && parts[1]) {
      root.appendChild(markedText(el("p", "answer-text"), parts[1], citations, newTab));
      parts[1] = "";
    }
    if (fold) root.appendChild(renderTools(answer));
    if (fold && hasConflicts) root.appendChild(conflictsCard(answer, citations, newTab, true));
    var holder = root;
    if (fold) {
      holder = el("details", "more");
      holder.appendChild(el("summary", "", "详细内容和出处"));
      root.appendChild(holder);
    }
    if (parts[1]) holder.appendChild(markedText(el("p", "answer-text"), parts[1], citations, newTab));

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
      holder.appendChild(facts);
    }
    if (!fold && hasConflicts) holder.appendChild(conflictsCard(answer, citations, newTab, false));
    if (answer.citations && answer.citations.length) {
      var list = sourcesSection(answer, newTab, citizen);
      if (citizen && !fold) {
        // as the template: each marker already opens its document; the list is one tap away
        var more = el("details", "sources-more");
        more.appendChild(el("summary", "", "出处：" + answer.citations.length + " 份文件"));
        more.appendChild(list);
        list = more;
      }
      holder.appendChild(list);
    }
    if (citizen && !fold) root.appendChild(renderTools(answer));
    return root;
  }

  // The cited documents, each with its sentence: for answers and for partial answers alike.
  function sourcesSection(answer, newTab, citizen) {
    var sources = el("section", "sources");
    sources.setAttribute("aria-label", "出处");
    sources.appendChild(el("h3", "", "出处"));
    var ol = el("ol");
    answer.citations.forEach(function (c) {
      var li = el("li");
      li.appendChild(link(passageUrl(c.doc_id, c.start, c.end), "[" + c.n + "] 《" + c.title + "》", "source-title", newTab));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(sourceMeta(c, citizen));
      // a citizen's answered question already shows each cited sentence with its marker
      if (!(citizen && answer.status === "answered")) li.appendChild(el("blockquote", "", c.text));
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
    [["1", "有帮助"], ["-1", "没帮助"]].forEach(function (spec) {
      var button = el("button", "rate", spec[1]);
      button.type = "submit";
      button.name = "rating";
      button.value = spec[0];
      row.appendChild(button);
    });
    form.appendChild(row);
    var box = el("div", "comment");
    box.hidden = true;
    var label = el("label", "", "哪里没帮到您？写几句，我们会改进（可选）");
    var textarea = el("textarea");
    textarea.name = "comment";
    textarea.rows = 3;
    label.appendChild(textarea);
    box.appendChild(label);
    var send = el("button", "send-comment", "提交意见");
    send.type = "button";
    box.appendChild(send);
    form.appendChild(box);
    var status = el("p", "feedback-status");
    status.setAttribute("role", "status");
    form.appendChild(status);
    return form;
  }

  // 朗读 and 复制 under an answer, as the answer_tools macro (hidden until wired up below).
  function renderTools(answer) {
    var tools = el("div", "answer-tools");
    var speak = el("button", "tool speak", "朗读");
    speak.type = "button";
    speak.hidden = true;
    speak.setAttribute("data-say", answer.summary || answer.answer || "");
    var copy = el("button", "tool copy-answer", "复制答案及出处");
    copy.type = "button";
    copy.hidden = true;
    copy.setAttribute("data-copy", copyText(answer));
    tools.appendChild(speak);
    tools.appendChild(copy);
    wireTools(tools);
    return tools;
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

  // Error text for a failed API call: the server's own Chinese detail when it gave one.
  function problem(status, detail) {
    if (detail && status >= 400 && status < 500) return detail;
    if (status === 429) return "提问太频繁了，请稍等一会儿再试。";
    if (status === 503) return "服务正在准备中，请稍后再试。";
    if (status === 413) return "内容太长了，请精简后再试。";
    if (status === 400 || status === 422) return "这个问题无法处理，请换个说法再试。";
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

  // Copy to the clipboard; navigator.clipboard needs a secure context, which plain http lacks.
  function copyToClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function fallbackCopy(text) {
    var area = el("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  // Speech synthesis (朗读) exists in most browsers; where it does not, the button stays hidden.
  var canSpeak = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";

  function say(button) {
    var synth = window.speechSynthesis;
    if (synth.speaking) {
      synth.cancel();
      if (button.classList.contains("speaking")) return;
    }
    document.querySelectorAll(".speak.speaking").forEach(function (b) {
      b.classList.remove("speaking");
      b.textContent = "朗读";
    });
    // markers such as [1] are not read out
    var utterance = new window.SpeechSynthesisUtterance((button.getAttribute("data-say") || "").replace(/\[\d+\]/g, ""));
    utterance.lang = "zh-CN";
    utterance.rate = document.documentElement.classList.contains("elder") ? 0.85 : 1;
    utterance.onend = utterance.onerror = function () {
      button.classList.remove("speaking");
      button.textContent = "朗读";
    };
    button.classList.add("speaking");
    button.textContent = "停止朗读";
    synth.speak(utterance);
  }

  function wireTools(root) {
    root.querySelectorAll(".speak").forEach(function (button) {
      if (!canSpeak || button.getAttribute("data-wired")) return;
      button.setAttribute("data-wired", "1");
      button.hidden = false;
      button.addEventListener("click", function () { say(button); });
    });
    root.querySelectorAll(".copy-answer").forEach(function (button) {
      if (button.getAttribute("data-wired")) return;
      button.setAttribute("data-wired", "1");
      button.hidden = false;
      button.addEventListener("click", function () {
        copyToClipboard(button.getAttribute("data-copy") || "").then(function (ok) {
          button.textContent = ok ? "已复制 ✓" : "复制失败，请手动选择文字";
          setTimeout(function () { button.textContent = "复制答案及出处"; }, 2000);
        });
      });
    });
  }
  wireTools(document);

  function tooLong(text, limit, what) {
    return what + "太长了：共 " + text.length + " 个字，最多 " + limit + " 个字。请删减后再提交。";
  }

  // One handler for every feedback form on the page, server-rendered or built above.
  // 没帮助 is stored at once; the comment box then stays open, and its text is added to that record.
  var MAX_COMMENT = 2000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("feedback")) return;
    event.preventDefault();
    var submitter = event.submitter;
    var rating = submitter && submitter.value ? Number(submitter.value) : 0;
    if (rating !== 1 && rating !== -1) return;
    var data = new FormData(form);
    var status = form.querySelector(".feedback-status");
    var buttons = form.querySelectorAll("button.rate");
    buttons.forEach(function (b) { b.disabled = true; });
    postJson("/api/feedback", {
      question: String(data.get("question") || ""),
      answer: String(data.get("answer") || ""),
      rating: rating,
      citations: data.getAll("citations").map(String)
    }).then(function (result) {
      if (result.ok) {
        form.classList.add("sent");
        form.setAttribute("data-record", String(result.data.id));
        if (submitter) submitter.classList.add("chosen");
        if (rating === -1) {
          var box = form.querySelector(".comment");
          box.hidden = false;
          status.textContent = "谢谢您的反馈！可以在上面写几句哪里没帮到您。";
          box.querySelector("textarea").focus();
        } else {
          status.textContent = "谢谢您的反馈！";
        }
      } else {
        buttons.forEach(function (b) { b.disabled = false; });
        status.textContent = problem(result.status, result.data.detail);
      }
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      status.textContent = problem(0);
    });
  });

  document.addEventListener("click", function (event) {
    var send = event.target.closest ? event.target.closest(".send-comment") : null;
    if (!send) return;
    var form = send.closest("form.feedback");
    var status = form.querySelector(".feedback-status");
    var textarea = form.querySelector("textarea[name=comment]");
    var comment = textarea.value.trim();
    if (!comment) {
      status.textContent = "请先写下您的意见。";
      textarea.focus();
      return;
    }
    if (comment.length > MAX_COMMENT) {
      status.textContent = tooLong(comment, MAX_COMMENT, "意见");
      textarea.focus();
      return;
    }
    send.disabled = true;
    postJson("/api/feedback/" + encodeURIComponent(form.getAttribute("data-record") || "0") + "/comment", { comment: comment })
      .then(function (result) {
        if (result.ok) {
          status.textContent = "已收到您的意见，谢谢！";
          textarea.readOnly = true;
        } else {
          send.disabled = false;
          status.textContent = problem(result.status, result.data.detail);
        }
      }).catch(function () {
        send.disabled = false;
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
    renderTools: renderTools,
    copyToClipboard: copyToClipboard,
    tooLong: tooLong,
    copyText: copyText,
    problem: problem,
    postJson: postJson
  };
})();
