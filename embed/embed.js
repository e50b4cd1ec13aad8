/*! TCI embed.js: runnable Python snippets in documentation (docs/embed.md).
 * A block stays static until a reader asks for it: nothing of the playground
 * is fetched before. */
(function () {
  'use strict';
  if (window.TCIEmbed) return; // included twice: the first copy owns the page

  var script = document.currentScript || document.querySelector('script[src*="embed.js"]');
  // `data-app` is written on the page, so it is relative to the page.
  var app = script.hasAttribute('data-app') ? new URL(script.getAttribute('data-app'), document.baseURI) : new URL('..', script.src);
  app.search = app.hash = '';
  if (!/\/$/.test(app.pathname)) app.pathname += '/';
  var appOrigin = app.origin;
  var whenVisible = script.getAttribute('data-load') === 'visible';
  var THEMES = ['light', 'dark', 'system'];
  var theme = pageTheme(false);

  var frames = [];
  // The first frame fetches the app alone; the others wait in `queued` until
  // one is ready, so the wasm comes from the browser's cache for them.
  var firstLoaded = false, appReady = false, queued = [];

  var KEYWORDS = words(' False None True and as assert async await break case class continue def del elif else except finally for from global if import in is lambda match nonlocal not or pass raise return try while with yield ');
  var BUILTINS = words(' abs all any bool dict enumerate filter float getattr input int isinstance len list map max min open print range round set sorted str sum super tuple type zip self Exception ');
  // One alternative per token kind, in this order: comment, string (with an
  // optional prefix; triple-quoted ones may span lines, an unclosed one runs
  // to the end), number, name.
  var TOKEN = /(#.*)|((?:\b[rbuf]{1,2})?(?:'''[\s\S]*?(?:'''|$)|"""[\s\S]*?(?:"""|$)|'(?:\\[\s\S]|[^'\\\n])*'?|"(?:\\[\s\S]|[^"\\\n])*"?))|(\b0[xob][\da-f_]+|(?:\b\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:e[+-]?\d+)?j?)|([a-z_]\w*)/gi;
  var ANSI = /\x1b\[[\d;?]*[a-z]/gi;

  function words(list) {
    return function (name) { return list.indexOf(' ' + name + ' ') >= 0; };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function flag(value) {
    return value != null && !/^(0|false)$/i.test(value);
  }

  function knownTheme(name) {
    return THEMES.indexOf(name) >= 0 ? name : '';
  }

  /** At start the script tag's choice wins; a later change on <html> is the page switching. */
  function pageTheme(htmlFirst) {
    var ours = knownTheme(script.getAttribute('data-theme'));
    var page = knownTheme(document.documentElement.getAttribute('data-theme'));
    return (htmlFirst ? page || ours : ours || page) || 'system';
  }

  /** Highlighted Python as DOM nodes: text only ever goes in as text. */
  function highlight(code) {
    var out = el('code'), at = 0, match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(code))) {
      var kind = match[1] ? 'c' : match[2] ? 's' : match[3] ? 'n'
        : KEYWORDS(match[4]) ? 'k' : BUILTINS(match[4]) ? 'b' : '';
      if (!kind) continue;
      out.appendChild(document.createTextNode(code.slice(at, match.index)));
      out.appendChild(el('span', 'tci-' + kind, match[0]));
      at = TOKEN.lastIndex;
    }
    out.appendChild(document.createTextNode(code.slice(at)));
    return out;
  }

  /** One recorded TCI output (`{type, data}`) as a node, or null. */
  function renderOutput(output) {
    if (!output || typeof output !== 'object') return null;
    var data = output.data, type = output.type;
    var problem = type === 'error' || type === 'stderr';
    if (data && typeof data === 'object') {
      var images = ['image/png', 'image/jpeg', 'image/gif'];
      for (var i = 0; i < images.length; i++) {
        if (typeof data[images[i]] === 'string') {
          return image('data:' + images[i] + ';base64,' + data[images[i]].replace(/\s/g, ''));
        }
      }
      // An SVG only ever becomes an <img>: scripts in it never run there.
      var svg = data['image/svg+xml'];
      if (typeof svg === 'string') return image('data:image/svg+xml,' + encodeURIComponent(svg));
      data = data['text/plain'];
    }
    if (typeof data !== 'string') return null;
    return el('pre', 'tci-out' + (problem ? ' tci-err' : ''), data.replace(ANSI, ''));
  }

  function image(src) {
    var img = el('img', 'tci-img');
    img.alt = 'output image';
    img.src = src;
    return img;
  }

  function injectStyle() {
    var dark = '--tci-bg:#161b22;--tci-fg:#e6edf3;--tci-line:#30363d;--tci-k:#ff7b72;--tci-s:#a5d6ff;--tci-c:#8b949e;--tci-n:#79c0ff;--tci-b:#d2a8ff';
    document.head.appendChild(el('style', '',
      '.tci-embed{--tci-bg:#f6f8fa;--tci-fg:#1f2328;--tci-line:#d0d7de;--tci-k:#cf222e;--tci-s:#0a3069;--tci-c:#6e7781;--tci-n:#0550ae;--tci-b:#8250df;' +
      'margin:1em 0;border:1px solid var(--tci-line);border-radius:6px;background:var(--tci-bg);color:var(--tci-fg)}' +
      '.tci-embed[data-tci-theme=dark]{' + dark + '}' +
      '@media (prefers-color-scheme:dark){.tci-embed[data-tci-theme=system]{' + dark + '}}' +
      '.tci-embed pre{margin:0;padding:.75em 1em;overflow:auto;font:13px/1.45 ui-monospace,monospace;background:none;color:inherit}' +
      '.tci-k{color:var(--tci-k)}.tci-s{color:var(--tci-s)}.tci-c{color:var(--tci-c)}.tci-n{color:var(--tci-n)}.tci-b{color:var(--tci-b)}' +
      '.tci-bar,.tci-outputs:not(:empty){border-top:1px solid var(--tci-line)}.tci-bar{padding:.4em 1em}' +
      '.tci-run{font:600 13px sans-serif;padding:.3em .9em;border:0;border-radius:4px;background:var(--tci-n);color:var(--tci-bg);cursor:pointer}' +
      '.tci-embed .tci-out{white-space:pre-wrap}.tci-err{color:var(--tci-k)}.tci-img{display:block;max-width:100%}' +
      'iframe.tci-frame{display:block;width:100%;border:0;margin:1em 0}'));
  }

  /** Replaces a marked block with its static placeholder. */
  function prepare(source) {
    var target = source.tagName === 'CODE' && source.parentNode.tagName === 'PRE' ? source.parentNode : source;
    var code = source.textContent.replace(/^\s*\n/, '').replace(/\s+$/, '');
    var block = el('div', 'tci-embed');
    block.setAttribute('data-testid', 'embed-block');
    block.setAttribute('data-tci-theme', theme);
    // The id moves on to the placeholder and then the frame, so the page can
    // still find its snippet (for the host API, say).
    block.id = source.id || target.id;
    var pre = el('pre', 'tci-code');
    pre.appendChild(highlight(code));
    var run = el('button', 'tci-run', '\u25b6 Run');
    run.type = 'button';
    run.setAttribute('data-testid', 'embed-run');
    var bar = el('div', 'tci-bar');
    bar.appendChild(run);
    var outputs = el('div', 'tci-outputs'), recorded = null;
    try {
      recorded = JSON.parse(source.getAttribute('data-tci-outputs'));
    } catch (ignored) { /* not JSON: shown as if absent */ }
    if (Array.isArray(recorded)) {
      recorded.forEach(function (output) {
        var node = renderOutput(output);
        if (node) outputs.appendChild(node);
      });
    } else recorded = null;
    block.appendChild(pre);
    block.appendChild(bar);
    block.appendChild(outputs);
    block.tci = {
      code: code,
      outputs: recorded,
      session: source.getAttribute('data-tci-session') || location.pathname,
      files: (source.getAttribute('data-tci-files') || '').split(/[\s,]+/).filter(Boolean),
      readonly: flag(source.getAttribute('data-tci-readonly')),
      // `auto` (the default) or a fixed height in CSS pixels.
      height: (/^\d+$/.exec(source.getAttribute('data-tci-height')) || [''])[0]
    };
    run.addEventListener('click', function () { start(block, true); });
    target.parentNode.replaceChild(block, target);
    return block;
  }

  function start(block, autorun) {
    // A click on a block already waiting (started by scrolling) still runs it.
    if (autorun) {
      block.tciAutorun = true;
      var run = block.querySelector('.tci-run');
      run.disabled = true;
      run.textContent = 'Loading\u2026';
    }
    if (block.tciStarted) return;
    block.tciStarted = true;
    if (!firstLoaded || appReady) load(block);
    else queued.push(function () { load(block); });
  }

  function widgetUrl(options, autorun) {
    var parts = ['code=' + encodeURIComponent(options.code), 'session=' + encodeURIComponent(options.session), 'theme=' + theme];
    if (autorun) parts.push('autorun');
    if (options.readonly) parts.push('readonly');
    if (options.height) parts.push('height=' + options.height);
    if (options.outputs) parts.push('outputs=' + encodeURIComponent(JSON.stringify(options.outputs)));
    return app.href + '?embed#' + parts.join('&');
  }

  function load(block) {
    var options = block.tci;
    var frame = el('iframe', 'tci-frame');
    frame.setAttribute('data-testid', 'embed-frame');
    frame.id = block.id;
    frame.title = 'Runnable Python code';
    frame.allow = 'clipboard-write';
    // Until the widget reports its own, the placeholder's height: no jump.
    frame.style.height = (options.height || block.offsetHeight) + 'px';
    frame.tciOptions = options;
    frame.tciTheme = theme;
    // With files the widget runs once they are attached, not on its own.
    frame.tciAutorun = block.tciAutorun;
    if (options.files.length) frame.tciFiles = fetchFiles(options.files);
    frame.src = widgetUrl(options, block.tciAutorun && !frame.tciFiles);
    if (!firstLoaded) {
      firstLoaded = true;
      // A first widget that never reports ready must not hold the rest back
      // forever; they then fetch the app themselves.
      frame.addEventListener('load', function () { setTimeout(releaseQueue, 10000); });
    }
    frames.push(frame);
    block.parentNode.replaceChild(frame, block);
  }

  /** The page's own files, as an `attach-files` message (base64). */
  function fetchFiles(names) {
    var failed = [];
    return Promise.all(names.map(function (name) {
      var url = new URL(name, document.baseURI);
      if (url.origin !== location.origin) return failed.push(name + ' (not on this page\'s origin)') && null;
      return fetch(url).then(function (response) {
        if (!response.ok) throw response.status;
        return response.blob();
      }).then(function (blob) {
        return new Promise(function (done, fail) {
          var reader = new FileReader();
          reader.onload = function () { done({ name: name, encoding: 'base64', content: reader.result.slice(reader.result.indexOf(',') + 1) }); };
          reader.onerror = fail;
          reader.readAsDataURL(blob);
        });
      }).catch(function (why) { failed.push(name + ' (' + why + ')'); });
    })).then(function (files) {
      var message = { type: 'attach-files', files: files.filter(Boolean) };
      if (failed.length) message.error = 'Could not fetch ' + failed.join(', ');
      return message;
    });
  }

  function releaseQueue() {
    appReady = true;
    queued.splice(0).forEach(function (load) { load(); });
  }

  function send(frame, message) {
    message.tci = 1;
    if (frame.contentWindow) frame.contentWindow.postMessage(message, appOrigin);
  }

  function setTheme(next) {
    if (!knownTheme(next)) return;
    theme = next;
    var blocks = document.querySelectorAll('.tci-embed');
    for (var i = 0; i < blocks.length; i++) blocks[i].setAttribute('data-tci-theme', theme);
    frames.forEach(function (frame) {
      // A frame still loading keeps the theme of its address until ready.
      if (frame.tciReady) {
        frame.tciTheme = theme;
        send(frame, { type: 'set-theme', theme: theme });
      }
    });
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== appOrigin) return;
    var frame = frames.filter(function (candidate) { return candidate.contentWindow === event.source; })[0];
    var message = event.data;
    if (!frame || !message || message.tci !== 1 || typeof message.type !== 'string') return;
    if (message.type === 'ready') {
      frame.tciReady = true;
      // The theme changed while this frame was loading: it missed the news.
      if (frame.tciTheme !== theme) {
        frame.tciTheme = theme;
        send(frame, { type: 'set-theme', theme: theme });
      }
      if (frame.tciFiles) {
        frame.tciFiles.then(function (files) {
          send(frame, files);
          if (frame.tciAutorun) send(frame, { type: 'run' });
        });
        frame.tciFiles = null;
      }
      releaseQueue();
    }
    if (message.type === 'resize' && typeof message.height === 'number' && message.height >= 0 && !frame.tciOptions.height) {
      frame.style.height = Math.ceil(message.height) + 'px';
    }
    frame.dispatchEvent(new CustomEvent('tci:' + message.type, { detail: message, bubbles: true }));
  });

  window.TCIEmbed = {
    version: 1,
    frames: function () { return frames.slice(); },
    setTheme: setTheme
  };

  function init() {
    injectStyle();
    var sources = document.querySelectorAll('pre[data-tci], code.language-python[data-tci]');
    var blocks = [];
    for (var i = 0; i < sources.length; i++) {
      // A <code data-tci> inside a <pre data-tci> is one block, not two.
      if (sources[i].isConnected && !(sources[i].tagName === 'PRE' && sources[i].querySelector('code.language-python[data-tci]'))) {
        blocks.push(prepare(sources[i]));
      }
    }
    if (whenVisible && window.IntersectionObserver) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          observer.unobserve(entry.target);
          start(entry.target, false);
        });
      });
      blocks.forEach(function (block) { observer.observe(block); });
    }
    new MutationObserver(function () { setTheme(pageTheme(true)); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
