// The admin pages without inline scripts (the CSP forbids them): drag and drop onto the upload
// form, a size check before sending, a confirmation before deleting, live rebuild progress.
// Every page works without this file.
"use strict";

(function () {
  const upload = document.querySelector("form.upload");
  if (upload) {
    const zone = upload.querySelector(".dropzone");
    const input = upload.querySelector('input[type="file"]');
    const chosen = upload.querySelector(".chosen");
    const maxBytes = Number(upload.dataset.maxBytes);
    const maxFiles = Number(upload.dataset.maxFiles);
    const show = () => {
      const files = Array.from(input.files);
      const tooBig = files.filter((f) => f.size > maxBytes).map((f) => f.name);
      let text = files.length ? "已选择：" + files.map((f) => f.name).join("、") : "";
      if (tooBig.length) text += "（超过大小限制，将被拒绝：" + tooBig.join("、") + "）";
      if (files.length > maxFiles) text += "（一次最多 " + maxFiles + " 个文件）";
      chosen.textContent = text;
    };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach((type) =>
      zone.addEventListener(type, (event) => {
        event.preventDefault();
        zone.classList.add("dragging");
      })
    );
    ["dragleave", "drop"].forEach((type) =>
      zone.addEventListener(type, () => zone.classList.remove("dragging"))
    );
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  }

  document.querySelectorAll("form[data-confirm]").forEach((form) =>
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    })
  );

  const panel = document.querySelector('.rebuild[data-state="building"], .rebuild[data-state="loading"]');
  if (panel) {
    const show = (selector, text) => {
      const element = panel.querySelector(selector);
      if (element) element.textContent = text;
    };
    const poll = async () => {
      try {
        const response = await fetch("/admin/index/status", { headers: { Accept: "application/json" } });
        if (response.ok) {
          const status = await response.json();
          if (status.state !== "building" && status.state !== "loading" && !status.queued) {
            window.location.reload();
            return;
          }
          const percent = status.percent || 0;
          const bar = panel.querySelector("progress");
          if (bar) bar.value = percent;
          show(".percent", percent);
          show(".stage", status.stage || "");
          if (status.eta_seconds !== null) show(".eta", Math.round(status.eta_seconds));
        }
      } catch (error) {
        // the server may be busy; the next poll tries again
      }
      window.setTimeout(poll, 1500);
    };
    window.setTimeout(poll, 1500);
  }
})();
