// The output frame: renders one output the app sends it and reports its
// height. It runs in an opaque origin (the app's iframe has
// sandbox="allow-scripts" without allow-same-origin), so nothing here or in
// the output's own scripts can reach the app's storage, cookies or DOM.
//
// The protocol (src/render/frame.rs holds the app's side; tests/contracts.rs
// reads both): every message is a JSON string carrying `tci: PROTOCOL`.
// app -> frame: {kind: 'render', mime, data, theme} and {kind: 'theme', theme};
// frame -> app: {kind: 'height', height}.
(function () {
  'use strict';
  var PROTOCOL = 1;
  var RENDER = 'render';
  var THEME = 'theme';
  var HEIGHT = 'height';

  // Renderers are fetched only when an output needs them, from this
  // folder; scripts keep their order (async = false).
  var FILES = {
    markdown: ['marked.js'],
    math: ['katex.css', 'katex.js', 'auto-render.js'],
    vega: ['vega.js', 'vega-lite.js', 'vega-embed.js'],
    plotly: ['plotly.js']
  };

  var out = document.getElementById('out');
  var root = document.documentElement;
  var current = null;
  var theme = 'system';
  var loading = {};

  // Framed without the sandbox (by another site, say), this document would
  // share the app's origin: it then renders nothing at all.
  var isolated = self.origin === 'null';

  function send(message) {
    message.tci = PROTOCOL;
    parent.postMessage(JSON.stringify(message), '*');
  }

  function reportHeight() {
    send({ kind: HEIGHT, height: Math.ceil(document.body.getBoundingClientRect().height) });
  }

  function load(file) {
    if (!loading[file]) {
      loading[file] = new Promise(function (resolve, reject) {
        var element;
        if (/\.css$/.test(file)) {
          element = document.createElement('link');
          element.rel = 'stylesheet';
          element.href = file;
        } else {
          element = document.createElement('script');
          element.src = file;
          element.async = false;
        }
        element.onload = resolve;
        element.onerror = function () {
          reject(new Error('could not load the renderer ' + file));
        };
        document.head.appendChild(element);
      });
    }
    return loading[file];
  }

  function need(renderer) {
    return Promise.all(FILES[renderer].map(load));
  }

  function dark() {
    if (theme === 'dark') return true;
    if (theme === 'light') return false;
    return matchMedia('(prefers-color-scheme: dark)').matches;
  }

  function applyTheme() {
    root.setAttribute('data-theme', theme);
  }

  function failed(mime, error) {
    var note = document.createElement('p');
    note.className = 'failed';
    note.textContent = 'Could not show this ' + mime + ' output: ' + (error && error.message || error);
    out.replaceChildren(note);
  }

  // Scripts set through innerHTML never run; each is replaced by a fresh
  // copy, in document order, and one with a `src` is waited for, so inline
  // code after it (plotly's newPlot after plotly.js) finds what it loaded.
  function runScripts(container) {
    var scripts = Array.prototype.slice.call(container.querySelectorAll('script'));
    return scripts.reduce(function (previous, old) {
      return previous.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement('script');
          for (var i = 0; i < old.attributes.length; i++) {
            script.setAttribute(old.attributes[i].name, old.attributes[i].value);
          }
          script.textContent = old.textContent;
          // A created script is async unless told otherwise; the page's was not.
          var waits = old.hasAttribute('src') && !old.hasAttribute('async') && !old.hasAttribute('defer');
          if (waits) script.async = false;
          if (waits) script.onload = script.onerror = function () { resolve(); };
          old.parentNode.replaceChild(script, old);
          if (!waits) resolve();
        });
      });
    }, Promise.resolve());
  }

  function html(text) {
    out.innerHTML = text;
    return runScripts(out);
  }

  function javascript(code) {
    // As in Jupyter, the code gets `element`, the node it may draw into.
    return Promise.resolve(new Function('element', code)(out));
  }

  var markdownParser = null;
  function markdown(text) {
    // KaTeX only for text that may hold math.
    var renderers = [need('markdown')];
    if (text.indexOf('$') >= 0) renderers.push(need('math'));
    return Promise.all(renderers).then(function () {
      if (!markdownParser) {
        markdownParser = new marked.Marked({ gfm: true }, { extensions: mathExtensions() });
      }
      var body = document.createElement('div');
      body.className = 'md';
      body.innerHTML = markdownParser.parse(text);
      out.replaceChildren(body);
      return runScripts(body);
    });
  }

  // `$…$` and `$$…$$` in Markdown, typeset by KaTeX before the Markdown
  // parser could take `_` or `*` inside them for emphasis.
  function mathExtensions() {
    function tex(text, display) {
      return katex.renderToString(text, { displayMode: display, throwOnError: false });
    }
    return [
      {
        name: 'mathBlock',
        level: 'block',
        start: function (src) { var at = src.indexOf('$$'); return at < 0 ? undefined : at; },
        tokenizer: function (src) {
          var match = /^\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/.exec(src);
          if (match) return { type: 'mathBlock', raw: match[0], text: match[1].trim() };
        },
        renderer: function (token) { return '<p>' + tex(token.text, true) + '</p>\n'; }
      },
      {
        name: 'mathInline',
        level: 'inline',
        start: function (src) { var at = src.indexOf('$'); return at < 0 ? undefined : at; },
        tokenizer: function (src) {
          var match = /^\$\$([^$]+?)\$\$/.exec(src) || /^\$(?![\s$])((?:\\\$|[^$])*?[^\s\\])\$(?!\d)/.exec(src);
          if (match) return { type: 'mathInline', raw: match[0], text: match[1], display: match[0].charAt(1) === '$' };
        },
        renderer: function (token) { return tex(token.text, token.display); }
      }
    ];
  }

  function latex(text) {
    return need('math').then(function () {
      var body = document.createElement('div');
      body.className = 'latex';
      body.textContent = text;
      out.replaceChildren(body);
      renderMathInElement(body, {
        throwOnError: false,
        delimiters: [
          { left: '$$', right: '$$', display: true },
          { left: '\\[', right: '\\]', display: true },
          { left: '\\begin{equation}', right: '\\end{equation}', display: true },
          { left: '\\begin{equation*}', right: '\\end{equation*}', display: true },
          { left: '\\begin{align}', right: '\\end{align}', display: true },
          { left: '\\begin{align*}', right: '\\end{align*}', display: true },
          { left: '$', right: '$', display: false },
          { left: '\\(', right: '\\)', display: false }
        ]
      });
    });
  }

  // A collapsible tree: objects and arrays are <details>, open for the
  // first two levels.
  function json(value) {
    function node(value, depth) {
      if (value === null || typeof value !== 'object') {
        var leaf = document.createElement('span');
        leaf.className = typeof value;
        leaf.textContent = JSON.stringify(value);
        return leaf;
      }
      var array = Array.isArray(value);
      var keys = Object.keys(value);
      if (!keys.length) {
        var empty = document.createElement('span');
        empty.textContent = array ? '[]' : '{}';
        return empty;
      }
      var details = document.createElement('details');
      details.open = depth < 2;
      var summary = document.createElement('summary');
      var count = document.createElement('span');
      count.className = 'count';
      count.textContent = (array ? 'Array(' : 'Object(') + keys.length + ')';
      summary.append(array ? '[' : '{', ' ', count, ' ', array ? ']' : '}');
      var list = document.createElement('ul');
      keys.forEach(function (key) {
        var item = document.createElement('li');
        var name = document.createElement('span');
        name.className = 'key';
        name.textContent = array ? key : JSON.stringify(key);
        item.append(name, ': ', node(value[key], depth + 1));
        list.append(item);
      });
      details.append(summary, list);
      return details;
    }
    var tree = document.createElement('div');
    tree.className = 'json';
    tree.append(node(value, 0));
    out.replaceChildren(tree);
    return Promise.resolve();
  }

  function vega(spec, mime) {
    return need('vega').then(function () {
      var target = document.createElement('div');
      out.replaceChildren(target);
      return vegaEmbed(target, spec, {
        mode: /vegalite/.test(mime) ? 'vega-lite' : 'vega',
        renderer: 'svg',
        theme: dark() ? 'dark' : undefined,
        // On the cell's own colour rather than the dark theme's grey.
        config: dark() ? { background: '#161b22' } : undefined,
        // Its menu opens the Vega editor and downloads files, which the
        // sandbox does not allow.
        actions: false
      });
    });
  }

  function plotly(figure) {
    return need('plotly').then(function () {
      var target = document.createElement('div');
      out.replaceChildren(target);
      var layout = Object.assign({}, figure.layout);
      if (dark()) {
        // Python's default template is light; its colours give way to the
        // page's unless the figure set them itself.
        layout.paper_bgcolor = layout.paper_bgcolor || '#161b22';
        layout.plot_bgcolor = layout.plot_bgcolor || '#0d1117';
        layout.font = Object.assign({ color: '#e6edf3' }, layout.font);
      }
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config);
      return Plotly.newPlot(target, figure.data || [], layout, config);
    });
  }

  function draw(mime, data) {
    if (mime === 'text/html') return html(data);
    if (mime === 'application/javascript') return javascript(data);
    if (mime === 'text/markdown') return markdown(data);
    if (mime === 'text/latex') return latex(data);
    if (mime === 'application/json') return json(data);
    if (mime === 'application/vnd.plotly.v1+json') return plotly(data);
    if (/^application\/vnd\.vega(lite)?\.v\d+\+json$/.test(mime)) return vega(data, mime);
    return Promise.reject(new Error('no renderer for it'));
  }

  // A change of theme redraws what draws its own colours; the rest follows
  // the CSS.
  function redraws(mime) {
    return mime === 'application/vnd.plotly.v1+json' || /^application\/vnd\.vega/.test(mime);
  }

  function render(mime, data) {
    var attempt;
    try {
      attempt = Promise.resolve(draw(mime, data));
    } catch (error) {
      attempt = Promise.reject(error);
    }
    return attempt.catch(function (error) { failed(mime, error); }).then(reportHeight);
  }

  addEventListener('message', function (event) {
    // Only the app that framed this document may ask for anything; another
    // output's frame may post here too.
    if (!isolated || event.source !== parent || typeof event.data !== 'string') return;
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!message || message.tci !== PROTOCOL) return;
    if (message.kind === RENDER && current === null && typeof message.mime === 'string') {
      current = message;
      theme = String(message.theme);
      applyTheme();
      render(message.mime, message.data);
    } else if (message.kind === THEME) {
      theme = String(message.theme);
      applyTheme();
      if (current && redraws(current.mime)) render(current.mime, current.data);
    }
  });

  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', function () {
    if (theme !== 'system') return;
    applyTheme();
    if (current && redraws(current.mime)) render(current.mime, current.data);
  });

  // Only once there is an output: an empty frame keeps the app's placeholder
  // height.
  new ResizeObserver(function () {
    if (current) reportHeight();
  }).observe(document.body);
})();
