// A reader of the API's live alert stream (GET /v1/alerts/stream, Server-Sent Events) for the map
// page. The browser's EventSource cannot send an Authorization header, and the page keeps its
// token out of every URL, so the stream is read with fetch and framed here: `id:`, `event:`,
// `data:` and comment lines, as the SSE format defines them. Like EventSource it reconnects after
// the delay the server asks for (`retry:`), sending the last id it saw as Last-Event-ID, so the
// server replays what was missed; a cursor the server refuses (400) is dropped and the stream
// starts afresh.
/* global window, fetch, AbortController, TextDecoderStream, setTimeout */
"use strict";

(function () {
  /**
   * Opens the stream at `url` with `headers`; calls `onAlert(alert, id)` for each `event: alert`,
   * `onState(state, detail)` with "open", "retrying" or "failed". Returns { close() }.
   */
  function openAlertStream(url, headers, onAlert, onState) {
    let lastEventId;
    let retryMs = 2000;
    let stopped = false;
    let controller;

    function dispatch(frame) {
      if (frame.id !== undefined) lastEventId = frame.id;
      if (frame.data.length === 0) return;
      if ((frame.event || "message") !== "alert") return;
      onAlert(JSON.parse(frame.data.join("\n")), frame.id);
    }

    function field(frame, line) {
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (name === "data") frame.data.push(value);
      else if (name === "event") frame.event = value;
      else if (name === "id" && !value.includes("\0")) frame.id = value;
      else if (name === "retry" && /^\d+$/.test(value)) retryMs = Number(value);
    }

    async function read(body) {
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      let frame = { data: [] };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += value;
        const lines = buffered.split(/\r\n|\r|\n/);
        buffered = lines.pop();
        for (const line of lines) {
          if (line === "") {
            dispatch(frame);
            frame = { data: [] };
          } else if (!line.startsWith(":")) {
            field(frame, line);
          }
        }
      }
    }

    async function run() {
      while (!stopped) {
        controller = new AbortController();
        try {
          const sent = { ...headers, Accept: "text/event-stream" };
          if (lastEventId !== undefined) sent["Last-Event-ID"] = lastEventId;
          const res = await fetch(url, { headers: sent, signal: controller.signal });
          if (res.status === 200) {
            onState("open");
            await read(res.body);
          } else {
            const body = await res.json().catch(() => ({}));
            const message = body.message || `HTTP ${res.status}`;
            if (res.status === 400 && lastEventId !== undefined) {
              lastEventId = undefined;
            } else if (res.status !== 503) {
              onState("failed", { status: res.status, message });
              return;
            }
            onState("retrying", { status: res.status, message });
          }
        } catch (err) {
          if (stopped) return;
          onState("retrying", { message: String(err.message || err) });
        }
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }

    void run();
    return {
      close() {
        stopped = true;
        if (controller) controller.abort();
      },
    };
  }

  window.geoanomalyAlertStream = { open: openAlertStream };
})();
