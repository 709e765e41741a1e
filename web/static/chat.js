// Citizen chat: asks through /api/ask and appends each turn without reloading the page.
// Conversations are kept on this device (localStorage): a history list to reopen or delete them,
// and 新对话 to start afresh. The open one is remembered per tab, so a visit to a source
// document (or a switch to 长辈模式) comes back to it.
(function () {
  "use strict";
  var M = window.Minzheng;
  var MAX_TURNS = 6;
  var MAX_CONVERSATIONS = 20;
  var STORE = "minzheng.conversations";
  var CURRENT = "minzheng.current";
  var form = document.getElementById("ask");
  var box = document.getElementById("question");
  var conversation = document.getElementById("conversation");
  var count = document.getElementById("question-count");
  var suggestions = document.getElementById("suggestions");
  var historyBox = document.getElementById("history");
  var historyList = document.getElementById("history-list");
  var newChat = document.querySelector(".new-chat");
  var mic = document.getElementById("mic");
  if (!form || !box || !conversation || !M) return;
  var limit = Number(box.getAttribute("data-max")) || 1000;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function store(all) {
    try { localStorage.setItem(STORE, JSON.stringify(all.slice(0, MAX_CONVERSATIONS))); } catch (e) { /* full or private */ }
  }

  function currentId() {
    try { return sessionStorage.getItem(CURRENT) || ""; } catch (e) { return ""; }
  }

  function setCurrentId(id) {
    try {
      if (id) sessionStorage.setItem(CURRENT, id);
      else sessionStorage.removeItem(CURRENT);
    } catch (e) { /* private mode */ }
  }

  var conversations = load();
  var active = null;  // {id, title, updated, turns: [{question, answer}]}

  function find(id) {
    for (var i = 0; i < conversations.length; i++) if (conversations[i].id === id) return conversations[i];
    return null;
  }

  function saveActive() {
    if (!active) return;
    active.updated = new Date().toISOString();
    conversations = conversations.filter(function (c) { return c.id !== active.id; });
    conversations.unshift(active);
    store(conversations);
    setCurrentId(active.id);
    renderHistory();
  }

  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function renderHistory() {
    if (!historyBox) return;
    historyBox.hidden = false;
    historyList.textContent = "";
    historyBox.classList.toggle("empty", conversations.length === 0);
    conversations.forEach(function (c) {
      var li = M.el("li", active && active.id === c.id ? "current" : "");
      var open = M.el("button", "history-open");
      open.type = "button";
      open.appendChild(M.el("span", "history-title", c.title));
      open.appendChild(M.el("span", "meta", when(c.updated) + " · " + c.turns.length + " 问"));
      if (active && active.id === c.id) open.setAttribute("aria-current", "true");
      open.addEventListener("click", function () { openConversation(c.id); });
      var remove = M.el("button", "history-delete", "删除");
      remove.type = "button";
      remove.setAttribute("aria-label", "删除对话：" + c.title);
      remove.addEventListener("click", function () { deleteConversation(c.id); });
      li.appendChild(open);
      li.appendChild(remove);
      historyList.appendChild(li);
    });
  }

  function setHistory(questions) {
    form.querySelectorAll("input[name=history]").forEach(function (input) { input.remove(); });
    questions.slice(-MAX_TURNS).forEach(function (q) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "history";
      input.value = q;
      form.insertBefore(input, form.firstChild);
    });
  }

  function askedSoFar() {
    return active ? active.turns.map(function (t) { return t.question; }).slice(-MAX_TURNS) : [];
  }

  function addTurn(question) {
    var previous = document.getElementById("latest");
    if (previous) previous.removeAttribute("id");
    var turn = M.el("article", "turn");
    turn.id = "latest";
    var user = M.el("div", "bubble user");
    user.appendChild(M.el("p", "", question));
    var bot = M.el("div", "bubble bot");
    turn.appendChild(user);
    turn.appendChild(bot);
    conversation.appendChild(turn);
    return bot;
  }

  function showAnswer(bot, question, answer) {
    bot.textContent = "";
    bot.appendChild(M.renderAnswer(answer, false, { citizen: true }));
    bot.appendChild(M.renderFeedback(question, answer));
  }

  function showSuggestions(list) {
    if (!suggestions) return;
    suggestions.querySelectorAll(".chip").forEach(function (chip) { chip.remove(); });
    (list || []).forEach(function (text) {
      var chip = M.el("button", "chip", text);
      chip.type = "submit";
      chip.name = "example";
      chip.value = text;
      chip.setAttribute("form", "ask");
      chip.formNoValidate = true;
      suggestions.appendChild(chip);
    });
    suggestions.hidden = !(list && list.length);
  }

  function clearConversation() {
    conversation.textContent = "";
    showSuggestions([]);
    setHistory([]);
  }

  function openConversation(id) {
    var found = find(id);
    if (!found) return;
    active = found;
    setCurrentId(id);
    clearConversation();
    found.turns.forEach(function (t) { showAnswer(addTurn(t.question), t.question, t.answer); });
    var last = found.turns[found.turns.length - 1];
    showSuggestions(last && last.answer.suggestions);
    setHistory(askedSoFar());
    renderHistory();
    if (historyBox) historyBox.open = false;
    box.focus();
  }

  function startNew() {
    active = null;
    setCurrentId("");
    clearConversation();
    renderHistory();
    box.value = "";
    updateCount();
    box.focus();
  }

  function deleteConversation(id) {
    conversations = conversations.filter(function (c) { return c.id !== id; });
    store(conversations);
    if (active && active.id === id) startNew();
    else renderHistory();
    var first = historyList.querySelector("button");
    (first || box).focus();
  }

  // A long paste is refused with the limit, never cut: the box keeps all of it for editing.
  function updateCount() {
    if (!count) return;
    var n = box.value.trim().length;
    var over = n > limit;
    count.classList.toggle("over", over);
    count.textContent = over
      ? "已输入 " + n + " 个字，超出 " + (n - limit) + " 个字（最多 " + limit + " 个字）"
      : n ? "已输入 " + n + " 个字，最多 " + limit + " 个字" : "最多 " + limit + " 个字";
  }
  box.addEventListener("input", updateCount);
  updateCount();

  if (conversation.querySelector(".turn")) {
    // a server-rendered conversation (posted without JavaScript, or an error): start a new record
    setCurrentId("");
  } else if (currentId() && find(currentId())) {
    openConversation(currentId());
  }
  renderHistory();

  if (newChat) {
    newChat.addEventListener("click", function (event) {
      event.preventDefault();
      startNew();
    });
  }

  var busy = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    var submitter = event.submitter;
    var fromChip = submitter && submitter.name === "example";
    var question = (fromChip ? submitter.value : box.value).trim();
    if (!question) {
      box.focus();
      return;
    }
    if (question.length > limit) {
      count.textContent = M.tooLong(question, limit, "问题");
      count.classList.add("over");
      box.focus();
      return;
    }
    busy = true;
    form.classList.add("busy");
    var bot = addTurn(question);
    bot.appendChild(M.el("p", "pending", "正在查找相关政策…"));
    bot.parentNode.scrollIntoView({ behavior: "smooth", block: "start" });
    if (!fromChip) box.value = "";
    updateCount();
    // Earlier questions travel along, so a follow-up (那要带什么材料？) keeps its topic.
    M.postJson("/api/ask", { question: question, history: askedSoFar() }).then(function (result) {
      if (!result.ok) {
        bot.textContent = "";
        bot.appendChild(M.el("p", "error", M.problem(result.status, result.data.detail)));
        if (!fromChip && !box.value) box.value = question;  // keep it for editing
        updateCount();
        return;
      }
      showAnswer(bot, question, result.data);
      showSuggestions(result.data.suggestions);
      if (!active) {
        active = { id: String(Date.now()) + Math.random().toString(36).slice(2, 6), title: question.slice(0, 40), turns: [] };
      }
      active.turns.push({ question: question, answer: result.data });
      active.turns = active.turns.slice(-MAX_TURNS);
      saveActive();
      setHistory(askedSoFar());
    }).catch(function () {
      bot.textContent = "";
      bot.appendChild(M.el("p", "error", M.problem(0)));
    }).then(function () {
      busy = false;
      form.classList.remove("busy");
      box.focus();
    });
  });

  // Enter asks; Shift+Enter starts a new line.
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Speaking the question: the browser's own speech recognition, where it has one.
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (mic && Recognition) {
    mic.hidden = false;
    var listening = null;
    mic.addEventListener("click", function () {
      if (listening) {
        listening.stop();
        return;
      }
      var recognition = new Recognition();
      recognition.lang = "zh-CN";
      recognition.interimResults = true;
      var before = box.value;
      recognition.onresult = function (event) {
        var heard = "";
        for (var i = 0; i < event.results.length; i++) heard += event.results[i][0].transcript;
        box.value = before + heard;
        updateCount();
      };
      recognition.onend = recognition.onerror = function () {
        listening = null;
        mic.setAttribute("aria-pressed", "false");
        mic.textContent = "语音输入";
        box.focus();
      };
      listening = recognition;
      mic.setAttribute("aria-pressed", "true");
      mic.textContent = "正在听…点此结束";
      try { recognition.start(); } catch (e) { recognition.onend(); }
    });
  }
})();
