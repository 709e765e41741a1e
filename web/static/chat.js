// Citizen chat: asks through /api/ask and appends each turn without reloading the page.
// The conversation is kept in sessionStorage so it survives a visit to a source document.
(function () {
  "use strict";
  var M = window.Minzheng;
  var MAX_TURNS = 6;
  var STORE = "minzheng.turns";
  var form = document.getElementById("ask");
  var box = document.getElementById("question");
  var conversation = document.getElementById("conversation");
  if (!form || !box || !conversation || !M) return;

  function saved() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function save(turns) {
    try { sessionStorage.setItem(STORE, JSON.stringify(turns.slice(-MAX_TURNS))); } catch (e) { /* private mode */ }
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
    bot.appendChild(M.renderAnswer(answer, false));
    bot.appendChild(M.renderFeedback(question, answer));
  }

  var turns = saved();
  if (!conversation.querySelector(".turn") && turns.length) {
    turns.forEach(function (t) { showAnswer(addTurn(t.question), t.question, t.answer); });
    setHistory(turns.map(function (t) { return t.question; }));
  } else if (conversation.querySelector(".turn")) {
    turns = [];  // a server-rendered conversation replaces the stored one
    save(turns);
  }

  var busy = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    var submitter = event.submitter;
    var question = (submitter && submitter.name === "example" ? submitter.value : box.value).trim();
    if (!question) {
      box.focus();
      return;
    }
    busy = true;
    form.classList.add("busy");
    var bot = addTurn(question);
    bot.appendChild(M.el("p", "pending", "正在查找相关政策…"));
    bot.parentNode.scrollIntoView({ behavior: "smooth", block: "start" });
    box.value = "";
    // Earlier questions travel along, so a follow-up (那要带什么材料？) keeps its topic.
    var history = turns.map(function (t) { return t.question; }).slice(-MAX_TURNS);
    M.postJson("/api/ask", { question: question, history: history }).then(function (result) {
      if (!result.ok) {
        bot.textContent = "";
        bot.appendChild(M.el("p", "error", M.problem(result.status, result.data.detail)));
        return;
      }
      showAnswer(bot, question, result.data);
      turns.push({ question: question, answer: result.data });
      turns = turns.slice(-MAX_TURNS);
      save(turns);
      setHistory(turns.map(function (t) { return t.question; }));
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
})();
