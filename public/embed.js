// @ts-check
/**
 * Dual Write Lab figures on a docs page: include once, anywhere on the page,
 *   <script src="https://<lab host>/embed.js" defer></script>
 * and every <iframe> showing a figure of that lab host (/embed/<pattern>/) is sized to its
 * content. It also exposes a small API to drive a figure once it says it is ready:
 *   DualWriteLab.send(iframeOrId, { command: 'go-to-step', step: 8 })  // queued until ready
 *   DualWriteLab.ready(iframeOrId).then(() => …)
 *   iframe.addEventListener('dual-write-lab:state', (e) => e.detail)  // also :ready, :error
 * Messages are accepted only from the lab's origin and only from a figure's own window.
 * Plain JavaScript, served as is; typecheck it with
 *   npx tsc --ignoreConfig --noEmit --allowJs --checkJs --target es2020 --lib es2020,dom public/embed.js
 */
(function () {
  'use strict';
  var NAMESPACE = 'dual-write-lab';
  var script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  var labOrigin = new URL(script && script.src ? script.src : location.href).origin;
  if (/** @type {any} */ (window).DualWriteLab) return; // included twice: the first copy serves

  /** @typedef {{ ready: boolean, queue: object[], waiters: Array<() => void> }} FigureState */
  /** @type {WeakMap<HTMLIFrameElement, FigureState>} */
  var states = new WeakMap();

  /** @param {HTMLIFrameElement} frame */
  function isFigure(frame) {
    try {
      var url = new URL(frame.src, location.href);
      return url.origin === labOrigin && url.pathname.indexOf('/embed/') === 0;
    } catch (e) {
      return false;
    }
  }

  /** @returns {HTMLIFrameElement[]} */
  function figures() {
    return Array.prototype.filter.call(document.querySelectorAll('iframe'), isFigure);
  }

  /** @param {HTMLIFrameElement} frame */
  function stateOf(frame) {
    var state = states.get(frame);
    if (!state) {
      state = { ready: false, queue: [], waiters: [] };
      states.set(frame, state);
    }
    return state;
  }

  /** @param {HTMLIFrameElement | string} target */
  function resolve(target) {
    var frame = typeof target === 'string' ? document.getElementById(target) : target;
    if (!(frame instanceof HTMLIFrameElement) || !isFigure(frame)) throw new Error('DualWriteLab: not a lab figure: ' + String(target));
    return frame;
  }

  /** @param {HTMLIFrameElement} frame @param {object} command */
  function post(frame, command) {
    if (frame.contentWindow) frame.contentWindow.postMessage(Object.assign({ source: NAMESPACE }, command), labOrigin);
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== labOrigin) return;
    var data = event.data;
    if (!data || data.source !== NAMESPACE || typeof data.type !== 'string') return;
    var frame = figures().filter(function (f) {
      return f.contentWindow === event.source;
    })[0];
    if (!frame) return;
    var state = stateOf(frame);
    if (data.type === 'resize' && typeof data.height === 'number' && data.height > 0) {
      frame.style.height = Math.ceil(data.height) + 'px';
    } else if (data.type === 'ready' && !state.ready) {
      state.ready = true;
      state.queue.splice(0).forEach(function (command) {
        post(frame, command);
      });
      state.waiters.splice(0).forEach(function (wake) {
        wake();
      });
    }
    frame.dispatchEvent(new CustomEvent(NAMESPACE + ':' + data.type, { detail: data }));
  });

  // A figure that became ready before this script ran says so again when asked.
  function ping() {
    figures().forEach(function (frame) {
      if (!stateOf(frame).ready) post(frame, { command: 'ping' });
    });
  }
  ping();
  window.addEventListener('load', ping);

  /** @type {any} */ (window).DualWriteLab = {
    figures: figures,
    /** @param {HTMLIFrameElement | string} target @param {object} command */
    send: function (target, command) {
      var frame = resolve(target);
      var state = stateOf(frame);
      if (state.ready) post(frame, command);
      else state.queue.push(command);
    },
    /** @param {HTMLIFrameElement | string} target @returns {Promise<void>} */
    ready: function (target) {
      var state = stateOf(resolve(target));
      return state.ready
        ? Promise.resolve()
        : new Promise(function (wake) {
            state.waiters.push(wake);
          });
    },
  };
})();
