/* Backprop by Hand: the playground of chapters 5 and 6 (book/_playground/*.md).
 *
 * The sheet's 2-2-1 network in the page: theta(x) shaded over the half circles, the
 * nine parameters on sliders, the nine entries of dtheta/dphi at a picked point with
 * their factors, and (chapter 6) gradient descent on the empirical risk.
 *
 * The arithmetic mirrors the Python package line by line (network.multilayer_perceptron,
 * training.loss / empirical_risk / learn with method="jacobian") and is exposed as
 * window.backpropByHand for tests/test_playground.py, which compares it with the package.
 *
 * Jupyter Book adds this script to every page: without a .bph-playground container on
 * the page it only defines window.backpropByHand.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- arithmetic
  // training.EPS: the smallest probability the loss takes the logarithm of.
  var EPS = 2.220446049250313e-16;
  var NAMES = ["w_11", "w_12", "b_1", "w_21", "w_22", "b_2", "v_1", "v_2", "c"];
  var SHOWN = ["w₁₁", "w₁₂", "b₁", "w₂₁", "w₂₂", "b₂", "v₁", "v₂", "c"];

  // The forward pass at one point, keeping every factor the backward pass needs.
  function forward(x1, x2, p) {
    var a1 = x1 * p[0] + x2 * p[1] + p[2];
    var a2 = x1 * p[3] + x2 * p[4] + p[5];
    var r1 = a1 > 0 ? 1 : 0; // relu'(a) = 0 at a = 0, as in rectifier.relu
    var r2 = a2 > 0 ? 1 : 0;
    var h1 = a1 > 0 ? a1 : 0;
    var h2 = a2 > 0 ? a2 : 0;
    var f = h1 * p[6] + h2 * p[7] + p[8];
    var theta = 1 / (1 + Math.exp(-f));
    return { a1: a1, a2: a2, r1: r1, r2: r2, h1: h1, h2: h2, f: f, theta: theta, s: theta * (1 - theta) };
  }

  // dtheta/dphi at one point, in the order of the package's products (network.py):
  // sigma'(f) * v_k * relu'(a_k) first, then times [x_1, x_2, 1].
  function gradient(x1, x2, p, q, g) {
    var t1 = q.s * p[6] * q.r1;
    var t2 = q.s * p[7] * q.r2;
    g[0] = t1 * x1; g[1] = t1 * x2; g[2] = t1;
    g[3] = t2 * x1; g[4] = t2 * x2; g[5] = t2;
    g[6] = q.s * q.h1; g[7] = q.s * q.h2; g[8] = q.s;
    return g;
  }

  // The empirical risk and its gradient (training.empirical_risk with training.loss):
  // the probability of the observed label is clipped from below at EPS.
  // X is flat (x_1, x_2 of each point in turn), out receives the nine entries.
  function riskInto(X, z, p, out) {
    var N = z.length, sum = 0, k, n;
    var g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0, g8 = 0;
    for (n = 0; n < N; n++) {
      // forward() and gradient() written out: no object per point, so training is fast.
      var x1 = X[2 * n], x2 = X[2 * n + 1];
      var a1 = x1 * p[0] + x2 * p[1] + p[2], a2 = x1 * p[3] + x2 * p[4] + p[5];
      var r1 = a1 > 0 ? 1 : 0, r2 = a2 > 0 ? 1 : 0, h1 = a1 > 0 ? a1 : 0, h2 = a2 > 0 ? a2 : 0;
      var theta = 1 / (1 + Math.exp(-(h1 * p[6] + h2 * p[7] + p[8])));
      var s = theta * (1 - theta);
      var one = z[n] === 1;
      var pr = one ? theta : 1 - theta;
      if (pr < EPS) pr = EPS;
      sum += -Math.log(pr);
      var gl = one ? -1 / pr : 1 / pr;
      var t1 = s * p[6] * r1, t2 = s * p[7] * r2;
      g0 += gl * (t1 * x1); g1 += gl * (t1 * x2); g2 += gl * t1;
      g3 += gl * (t2 * x1); g4 += gl * (t2 * x2); g5 += gl * t2;
      g6 += gl * (s * h1); g7 += gl * (s * h2); g8 += gl * s;
    }
    out[0] = g0; out[1] = g1; out[2] = g2; out[3] = g3; out[4] = g4; out[5] = g5;
    out[6] = g6; out[7] = g7; out[8] = g8;
    for (k = 0; k < 9; k++) out[k] /= N;
    return sum / N;
  }

  function flat(X) {
    var out = new Float64Array(2 * X.length);
    for (var n = 0; n < X.length; n++) { out[2 * n] = X[n][0]; out[2 * n + 1] = X[n][1]; }
    return out;
  }

  function checkPars(pars) {
    if (!pars || pars.length !== 9) throw new TypeError("pars must hold 9 numbers: [" + NAMES.join(", ") + "]");
    return Float64Array.from(pars);
  }

  // One gradient step of training.learn; throws, as learn does, when the risk or the
  // parameters stop being finite numbers.
  function descend(X, z, p, nsteps, lr, onRisk) {
    var g = new Float64Array(9);
    for (var i = 0; i <= nsteps; i++) {
      var r = riskInto(X, z, p, g);
      if (!isFinite(r)) throw new RangeError("training diverged at step " + i + ": the risk is " + r);
      if (onRisk) onRisk(r);
      if (i === nsteps) break;
      for (var k = 0; k < 9; k++) p[k] -= lr * g[k];
      for (k = 0; k < 9; k++) if (!isFinite(p[k])) throw new RangeError("training diverged at step " + i);
    }
    return p;
  }

  window.backpropByHand = {
    // X: N rows [x_1, x_2]; returns theta (N) and grad (N rows of 9).
    mlp: function (X, pars) {
      var p = checkPars(pars), theta = [], grad = [];
      for (var n = 0; n < X.length; n++) {
        var q = forward(X[n][0], X[n][1], p);
        theta.push(q.theta);
        grad.push(Array.from(gradient(X[n][0], X[n][1], p, q, new Float64Array(9))));
      }
      return { theta: theta, grad: grad };
    },
    risk: function (X, z, pars) {
      var g = new Float64Array(9);
      var r = riskInto(flat(X), Array.from(z), checkPars(pars), g);
      return { risk: r, grad: Array.from(g) };
    },
    train: function (X, z, pars, nsteps, lr) {
      return Array.from(descend(flat(X), Array.from(z), checkPars(pars), nsteps, lr));
    },
    names: NAMES
  };

  // ---------------------------------------------------------------- the widget
  // The plotted square of the plane: the half circles, with room for the sheet's
  // reference point x = (1, 2).
  var X1 = [-1.6, 1.6], X2 = [-0.6, 2.2];
  var GRID = 7; // canvas pixels per shading cell (before the device pixel ratio)
  var PRESETS = { // chapter 6's starts
    sheet: [-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0],
    dead: [0, -1, -0.5, 0.1, 1, 0, -0.1, -0.1, 0],
    twins: [0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0],
    tiny: [-0.01, 0.1, 0, 0.01, 0.1, 0, -0.01, -0.01, 0],
    zero: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    reference: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
  };
  var counter = 0;

  function el(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    for (var key in attrs) if (Object.prototype.hasOwnProperty.call(attrs, key)) e.setAttribute(key, attrs[key]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function fmt(v, d) {
    var s = v.toFixed(d);
    return s.charAt(0) === "-" ? "−" + s.slice(1) : s; // a real minus sign
  }

  function rgb(hex) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
    return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [128, 128, 128];
  }

  function Playground(root, data) {
    var id = "bph" + (++counter);
    var ch06 = data.mode === "ch06";
    var self = this;
    this.root = root;
    this.X = Float64Array.from(data.X);
    this.z = data.z;
    this.pars = Float64Array.from(ch06 ? data.start : data.pars);
    this.start = Float64Array.from(this.pars);
    this.point = ch06 ? [0.5, 0.5] : data.point.slice();
    this.lr = data.lr;
    this.risks = [];
    this.step = 0;
    this.running = false;
    this.target = "point";
    root.textContent = "";
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", ch06 ? "Playground: the 2-2-1 network learning the half circles" :
      "Playground: the 2-2-1 network and its gradient at a point");

    // The plot and its legend.
    var fig = el("div", { "class": "bph-figure" }, root);
    var help = id + "-help";
    this.canvas = el("canvas", {
      "class": "bph-plot", tabindex: "0", role: "img", "aria-describedby": help
    }, fig);
    el("p", { "class": "bph-legend", id: help }, fig,
      "Shading: θ(x), blue near 0 (outer circle), vermilion near 1 (inner circle); solid line: θ = 0.5; " +
      "dashed lines: a₁ = 0 (green) and a₂ = 0 (purple), ticks on the side where the neuron is active. " +
      "Filled dots: inner circle, z = 1; rings: outer circle, z = 0. Click to pick the point x, " +
      "drag a dashed line to move that neuron; on the focused plot the arrow keys move what is chosen below.");
    var keys = el("fieldset", { "class": "bph-keys" }, fig);
    el("legend", {}, keys, "Arrow keys on the plot move");
    [["point", "the point x"], ["line1", "line a₁ = 0"], ["line2", "line a₂ = 0"]].forEach(function (t, i) {
      var lab = el("label", {}, keys);
      var r = el("input", { type: "radio", name: id + "-target", value: t[0] }, lab);
      if (i === 0) r.checked = true;
      lab.appendChild(document.createTextNode(" " + t[1]));
      r.addEventListener("change", function () { if (r.checked) self.target = t[0]; });
    });

    // The point and the readout.
    var read = el("div", { "class": "bph-readout" }, root);
    var pt = el("p", { "class": "bph-point" }, read);
    this.pointInputs = [0, 1].map(function (j) {
      var lab = el("label", {}, pt, "x" + (j ? "₂" : "₁") + " ");
      var inp = el("input", { type: "number", step: "0.05", "class": "bph-num", "data-coord": String(j + 1) }, lab);
      inp.addEventListener("input", function () {
        var v = parseFloat(inp.value);
        if (isFinite(v)) { self.point[j] = v; self.changed(false); }
      });
      return inp;
    });
    this.summary = el("p", { "class": "bph-summary" }, read);
    this.live = el("p", { "class": "bph-sr", "aria-live": "polite" }, read);
    var wrap = el("div", { "class": "bph-tablewrap", tabindex: "0", role: "region", "aria-label": "The nine gradient entries at x" }, read);
    var table = el("table", { "class": "bph-grad" }, wrap);
    el("caption", {}, table, "∂θ/∂φ at x, each entry the product of its factors");
    var hr = el("tr", {}, el("thead", {}, table));
    ["entry", "∂θ/∂entry", "= σ′(f)", "× v_k", "× relu′(a_k)", "× (x_j, h_k or 1)"].forEach(function (h) {
      el("th", { scope: "col" }, hr, h.replace("v_k", "vₖ").replace("a_k", "aₖ").replace("x_j", "xⱼ").replace("h_k", "hₖ"));
    });
    var body = el("tbody", {}, table);
    this.cells = NAMES.map(function (name, k) {
      var tr = el("tr", { "data-entry": name }, body);
      el("th", { scope: "row" }, tr, SHOWN[k]);
      var g = el("td", { "class": "bph-g", "data-entry": name }, tr), row = [];
      for (var c = 0; c < 4; c++) row.push(el("td", { "class": "bph-f" }, tr));
      row.push(g);
      return row;
    });

    // The nine parameters, one group per neuron.
    var parsBox = el("div", { "class": "bph-pars" }, root);
    this.sliders = [];
    this.numbers = [];
    ["hidden neuron 1", "hidden neuron 2", "output neuron"].forEach(function (title, b) {
      var fs = el("fieldset", {}, parsBox);
      el("legend", {}, fs, title);
      for (var k = 3 * b; k < 3 * b + 3; k++) (function (k) {
        var row = el("div", { "class": "bph-par" }, fs);
        var sid = id + "-" + NAMES[k];
        el("label", { "for": sid }, row, SHOWN[k]);
        var s = el("input", { type: "range", id: sid, min: "-4", max: "4", step: "0.01", "data-par": NAMES[k] }, row);
        var n = el("input", { type: "number", step: "0.1", "class": "bph-num", "aria-label": SHOWN[k] + ", exact value", "data-par": NAMES[k] }, row);
        s.addEventListener("input", function () { self.setPar(k, parseFloat(s.value), s); });
        n.addEventListener("input", function () {
          var v = parseFloat(n.value);
          if (isFinite(v)) self.setPar(k, v, n);
        });
        self.sliders[k] = s;
        self.numbers[k] = n;
      })(k);
    });

    if (ch06) this.buildTraining(root, id, data);
    else {
      var again = el("button", { type: "button", "class": "bph-btn" }, root, "Back to the sheet's reference point");
      again.addEventListener("click", function () {
        self.pars = Float64Array.from(data.pars);
        self.point = data.point.slice();
        self.changed(true);
      });
    }

    this.bindPlot();
    var redraw = function () { self.cache = null; self.remeasure = true; self.request(); };
    window.addEventListener("resize", redraw);
    new MutationObserver(redraw).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    this.changed(true);
  }

  Playground.prototype.buildTraining = function (root, id, data) {
    var self = this;
    // Right below the plot, so that Play and the plot share a phone's screen.
    var box = el("fieldset", { "class": "bph-train" });
    root.insertBefore(box, root.querySelector(".bph-readout"));
    el("legend", {}, box, "Gradient descent on the empirical risk R(φ)");
    var row = el("div", { "class": "bph-row" }, box);
    this.play = el("button", { type: "button", "class": "bph-btn", "aria-pressed": "false" }, row, "Play");
    var stepBtn = el("button", { type: "button", "class": "bph-btn" }, row, "Step");
    var reset = el("button", { type: "button", "class": "bph-btn" }, row, "Reset");
    this.play.addEventListener("click", function () { self.setRunning(!self.running); });
    stepBtn.addEventListener("click", function () { self.setRunning(false); self.train(1); self.say(); });
    reset.addEventListener("click", function () { self.setRunning(false); self.restart(self.start); self.say(); });

    row = el("div", { "class": "bph-row" }, box);
    var lab = el("label", {}, row, "learning rate η ");
    var lr = el("input", { type: "number", min: "0", step: "0.01", value: String(this.lr), "class": "bph-num", "data-control": "lr" }, lab);
    lr.addEventListener("input", function () {
      var v = parseFloat(lr.value);
      if (isFinite(v) && v > 0) self.lr = v;
    });
    lab = el("label", {}, row, "steps per frame, at most ");
    var speed = el("select", { "data-control": "speed" }, lab);
    [1, 10, 50, 200].forEach(function (v) {
      var o = el("option", { value: String(v) }, speed, String(v));
      if (v === 50) o.selected = true;
    });
    this.perFrame = 50;
    speed.addEventListener("change", function () { self.perFrame = parseInt(speed.value, 10); });
    lab = el("label", {}, row, "start ");
    var start = el("select", { "data-control": "start" }, lab);
    [["sheet", "the sheet's start"], ["dead", "dead neuron"],
      ["twins", "twin neurons"], ["tiny", "tiny start"], ["zero", "all zero"],
      ["reference", "the reference 0.1 … 0.9"]].forEach(function (t) {
      el("option", { value: t[0] }, start, t[1]);
    });
    start.addEventListener("change", function () {
      self.setRunning(false);
      self.start = Float64Array.from(PRESETS[start.value]);
      self.restart(self.start);
      self.say();
    });
    this.riskCanvas = el("canvas", { "class": "bph-risk", role: "img", "aria-label": "The empirical risk R(φ) against the step i" }, box);
    this.status = el("p", { "class": "bph-status" }, box);
    el("p", { "class": "bph-hint" }, box, "Changing a parameter by hand makes the current parameters the new start.");
  };

  Playground.prototype.setPar = function (k, v, from) {
    this.pars[k] = v;
    this.userEdit(from);
  };

  // A change by the reader: in chapter 6 the current parameters become the start.
  Playground.prototype.userEdit = function (from) {
    if (this.play) {
      this.setRunning(false);
      this.start = Float64Array.from(this.pars);
      this.risks = [];
      this.step = 0;
    }
    this.changed(false, from);
  };

  Playground.prototype.restart = function (pars) {
    this.pars = Float64Array.from(pars);
    this.risks = [];
    this.step = 0;
    this.failed = null;
    this.changed(true);
  };

  Playground.prototype.setRunning = function (on) {
    if (!this.play) return;
    this.running = on && !this.failed;
    this.play.textContent = this.running ? "Pause" : "Play";
    this.play.setAttribute("aria-pressed", String(this.running));
    if (this.running) this.loop();
    else this.changed(false); // the numbers of the last step, which a throttle may have skipped
  };

  Playground.prototype.loop = function () {
    // Steps get a few milliseconds of each frame: fewer when frames come late (a busy
    // machine), more when they come on time, so the picture keeps moving smoothly.
    var self = this, budget = 4, last = 0;
    requestAnimationFrame(function frame(now) {
      if (!self.running) return;
      if (last) budget = Math.min(8, Math.max(0.5, budget * (now - last > 25 ? 0.7 : 1.1)));
      last = now;
      self.train(self.perFrame, budget);
      if (self.running) requestAnimationFrame(frame);
    });
  };

  // n steps of learn(method="jacobian"), recording the risk before each step.
  Playground.prototype.train = function (n, budget) {
    var g = new Float64Array(9), p = Float64Array.from(this.pars), t0 = performance.now();
    for (var i = 0; i < n && !(budget && performance.now() - t0 > budget); i++) {
      var r = riskInto(this.X, this.z, p, g);
      var bad = !isFinite(r);
      for (var k = 0; k < 9 && !bad; k++) bad = !isFinite(p[k] - this.lr * g[k]);
      if (bad) {
        this.failed = "Training diverged at step " + this.step + ": try a smaller learning rate, then Reset.";
        this.running = false;
        this.setRunning(false);
        break;
      }
      this.risks.push(r);
      for (k = 0; k < 9; k++) p[k] -= this.lr * g[k];
      this.step++;
    }
    this.pars = p;
    this.changed(false);
  };

  // Recompute the readout; `all` also rewrites every control, else all but `from`.
  Playground.prototype.changed = function (all, from) {
    var p = this.pars, x = this.point, k, t = performance.now();
    this.request();
    // While training, the numbers are rewritten ten times a second; the plot every frame.
    if (this.running && t - (this.written || 0) < 100) return;
    this.written = t;
    for (k = 0; k < 9; k++) {
      if (this.sliders[k] !== from) this.sliders[k].value = String(p[k]);
      if (this.numbers[k] !== from) this.numbers[k].value = String(+p[k].toFixed(4));
    }
    for (k = 0; k < 2; k++) if (all || document.activeElement !== this.pointInputs[k]) this.pointInputs[k].value = String(+x[k].toFixed(4));
    var q = forward(x[0], x[1], p), g = gradient(x[0], x[1], p, q, new Float64Array(9));
    this.summary.innerHTML = "";
    var parts = [["a₁", q.a1, 4], ["a₂", q.a2, 4], ["h₁", q.h1, 4], ["h₂", q.h2, 4], ["f", q.f, 4], ["σ′(f)", q.s, 8]];
    var s = this.summary;
    parts.forEach(function (t) { el("span", {}, s, t[0] + " = " + fmt(t[1], t[2])); });
    var th = el("span", { "class": "bph-thetabox" }, s, "θ(x) = ");
    el("strong", { "class": "bph-theta" }, th, fmt(q.theta, 7));
    var third = [x[0], x[1], 1, x[0], x[1], 1, q.h1, q.h2, 1];
    for (k = 0; k < 9; k++) {
      var c = this.cells[k], hidden = k < 6;
      c[0].textContent = fmt(q.s, 4);
      c[1].textContent = hidden ? fmt(p[k < 3 ? 6 : 7], 4) : "";
      c[2].textContent = hidden ? String(k < 3 ? q.r1 : q.r2) : "";
      c[3].textContent = k === 2 || k === 5 || k === 8 ? "1" : fmt(third[k], 4);
      c[4].textContent = fmt(g[k], 8);
      // A hidden neuron inactive at x: its rows in that neuron's colour (all zero).
      c[4].parentNode.classList.toggle(k < 3 ? "bph-dead1" : "bph-dead2", hidden && (k < 3 ? q.r1 : q.r2) === 0);
    }
    if (this.status) {
      var now = riskInto(this.X, this.z, p, new Float64Array(9));
      this.status.textContent = this.failed || ("after i = " + this.step + " steps, R(φ) = " + fmt(now, 6) +
        (this.step ? "" : " (press Play or Step)"));
    }
    this.announce = "θ(x) = " + fmt(q.theta, 4) + (this.status ? ". " + this.status.textContent : "");
    if (!this.running) this.sayLater();
  };

  // Screen readers hear theta once the reader pauses, not at every slider tick or frame.
  Playground.prototype.sayLater = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.say(); }, 600);
  };
  Playground.prototype.say = function () {
    if (!this.running && this.announce) this.live.textContent = this.announce;
  };

  Playground.prototype.request = function () {
    var self = this;
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(function () { self.pending = false; self.draw(); });
  };

  // ------------------------------------------------------------ drawing
  Playground.prototype.colours = function () {
    var cs = getComputedStyle(this.root), get = function (n) { return cs.getPropertyValue(n).trim(); };
    return { bg: get("--bph-bg"), fg: get("--bph-fg"), c0: get("--bph-c0"), c1: get("--bph-c1"),
      k1: get("--bph-k1"), k2: get("--bph-k2"), key: get("--bph-bg") + get("--bph-c0") };
  };

  // The canvas's size, measured only after a resize or a change of theme: reading
  // clientWidth at every frame would make the browser lay out the whole page each time.
  Playground.prototype.size = function (canvas, aspect) {
    var ratio = window.devicePixelRatio || 1;
    if (!canvas.bphWidth || this.remeasure) {
      canvas.bphWidth = Math.max(200, Math.round(canvas.clientWidth || 300));
      var h0 = Math.round(canvas.bphWidth * aspect);
      if (canvas.width !== Math.round(canvas.bphWidth * ratio)) {
        canvas.width = Math.round(canvas.bphWidth * ratio); canvas.height = Math.round(h0 * ratio);
      }
      canvas.style.height = h0 + "px";
    }
    var w = canvas.bphWidth, h = Math.round(w * aspect);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return { ctx: ctx, w: w, h: h };
  };

  Playground.prototype.toPx = function (x1, x2) {
    return [(x1 - X1[0]) / (X1[1] - X1[0]) * this.w, (X2[1] - x2) / (X2[1] - X2[0]) * this.h];
  };
  Playground.prototype.toData = function (px, py) {
    return [X1[0] + px / this.w * (X1[1] - X1[0]), X2[1] - py / this.h * (X2[1] - X2[0])];
  };

  Playground.prototype.draw = function () {
    var aspect = (X2[1] - X2[0]) / (X1[1] - X1[0]);
    var sz = this.size(this.canvas, aspect), ctx = sz.ctx, w = sz.w, h = sz.h, p = this.pars;
    this.w = w; this.h = h;
    var col = this.cache ? this.cache.col : this.colours();
    var bg = rgb(col.bg), c0 = rgb(col.c0), c1 = rgb(col.c1);
    this.bg = col.bg;
    // theta on a grid of cells, drawn small and scaled up smoothly.
    var gw = Math.ceil(w / GRID), gh = Math.ceil(h / GRID);
    if (!this.shade || this.shade.width !== gw || this.shade.height !== gh) {
      this.shade = document.createElement("canvas");
      this.shade.width = gw; this.shade.height = gh;
    }
    var sctx = this.shade.getContext("2d"), img = sctx.createImageData(gw, gh), d = img.data;
    var fgrid = new Float64Array((gw + 1) * (gh + 1));
    var i, j, x1, x2, c;
    for (j = 0; j <= gh; j++) {
      x2 = X2[1] - j / gh * (X2[1] - X2[0]);
      for (i = 0; i <= gw; i++) {
        x1 = X1[0] + i / gw * (X1[1] - X1[0]);
        var a1 = x1 * p[0] + x2 * p[1] + p[2], a2 = x1 * p[3] + x2 * p[4] + p[5];
        var f = (a1 > 0 ? a1 * p[6] : 0) + (a2 > 0 ? a2 * p[7] : 0) + p[8];
        fgrid[j * (gw + 1) + i] = f;
        if (i < gw && j < gh) {
          var t = 1 / (1 + Math.exp(-f)), o = 4 * (j * gw + i);
          for (c = 0; c < 3; c++) d[o + c] = bg[c] + 0.45 * ((1 - t) * c0[c] + t * c1[c] - bg[c]);
          d[o + 3] = 255;
        }
      }
    }
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.shade, 0, 0, w, h);

    // The data, drawn once per size and theme.
    if (!this.cache || this.cache.key !== col.key + w) this.cache = this.drawData(col, w, h);
    ctx.drawImage(this.cache.canvas, 0, 0, w, h);

    // theta = 0.5 where f = 0: marching squares on the grid of f.
    ctx.strokeStyle = col.fg; ctx.lineWidth = 2; ctx.setLineDash([]);
    ctx.beginPath();
    var cw = w / gw, ch = h / gh;
    for (j = 0; j < gh; j++) for (i = 0; i < gw; i++) {
      var v = [fgrid[j * (gw + 1) + i], fgrid[j * (gw + 1) + i + 1], fgrid[(j + 1) * (gw + 1) + i + 1], fgrid[(j + 1) * (gw + 1) + i]];
      var corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]], cross = [];
      for (c = 0; c < 4; c++) {
        var a = v[c], b = v[(c + 1) % 4];
        if ((a > 0) !== (b > 0)) {
          var s = a / (a - b), A = corners[c], B = corners[(c + 1) % 4];
          cross.push([(A[0] + s * (B[0] - A[0])) * cw, (A[1] + s * (B[1] - A[1])) * ch]);
        }
      }
      for (c = 0; c + 1 < cross.length; c += 2) { ctx.moveTo(cross[c][0], cross[c][1]); ctx.lineTo(cross[c + 1][0], cross[c + 1][1]); }
    }
    ctx.stroke();

    // The hidden neurons' lines a_k = 0, with ticks on their active side.
    this.lines = [this.line(ctx, p[0], p[1], p[2], col.k1, "a₁"), this.line(ctx, p[3], p[4], p[5], col.k2, "a₂")];

    // The picked point.
    var P = this.toPx(this.point[0], this.point[1]);
    ctx.setLineDash([]);
    ctx.lineWidth = 2.5; ctx.strokeStyle = col.bg;
    ctx.beginPath(); ctx.arc(P[0], P[1], 8, 0, 2 * Math.PI); ctx.stroke();
    ctx.lineWidth = 1.5; ctx.strokeStyle = col.fg;
    ctx.beginPath(); ctx.arc(P[0], P[1], 8, 0, 2 * Math.PI);
    ctx.moveTo(P[0] - 12, P[1]); ctx.lineTo(P[0] + 12, P[1]); ctx.moveTo(P[0], P[1] - 12); ctx.lineTo(P[0], P[1] + 12);
    ctx.stroke();

    // Axis ticks.
    ctx.fillStyle = col.fg; ctx.font = "11px sans-serif"; ctx.textBaseline = "bottom";
    [-1, 0, 1].forEach(function (t) { ctx.fillText(String(t).replace("-", "−"), (t - X1[0]) / (X1[1] - X1[0]) * w + 2, h - 2); });
    ctx.textBaseline = "middle";
    [0, 1, 2].forEach(function (t) { ctx.fillText(String(t), 2, (X2[1] - t) / (X2[1] - X2[0]) * h); });
    ctx.fillText("x₁ →", w - 34, h - 8);
    ctx.fillText("x₂ ↑", 14, 10);

    if (!this.running) this.canvas.setAttribute("aria-label", "Plot of θ(x) over the half circles; the picked point x = (" +
      fmt(this.point[0], 2) + ", " + fmt(this.point[1], 2) + ") has θ(x) = " + fmt(forward(this.point[0], this.point[1], p).theta, 4));
    if (this.riskCanvas) this.drawRisk(col);
    this.remeasure = false;
  };

  Playground.prototype.drawData = function (col, w, h) {
    var ratio = window.devicePixelRatio || 1, cv = document.createElement("canvas");
    cv.width = Math.round(w * ratio); cv.height = Math.round(h * ratio);
    var ctx = cv.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 1.2;
    for (var n = 0; n < this.z.length; n++) {
      var P = this.toPx(this.X[2 * n], this.X[2 * n + 1]);
      ctx.beginPath(); ctx.arc(P[0], P[1], 2.6, 0, 2 * Math.PI);
      if (this.z[n] === 1) { ctx.fillStyle = col.c1; ctx.fill(); ctx.strokeStyle = col.fg; ctx.stroke(); }
      else { ctx.strokeStyle = col.c0; ctx.stroke(); }
    }
    return { canvas: cv, key: col.key + w, col: col };
  };

  // Draws w_1 x_1 + w_2 x_2 + b = 0 clipped to the plot; returns it in pixels, or null.
  Playground.prototype.line = function (ctx, w1, w2, b, colour, name) {
    var pts = [], self = this;
    if (w1 === 0 && w2 === 0) return null;
    [[X1[0], null], [X1[1], null], [null, X2[0]], [null, X2[1]]].forEach(function (e) {
      var x1 = e[0], x2 = e[1];
      if (x1 !== null && w2 !== 0) x2 = -(w1 * x1 + b) / w2;
      else if (x2 !== null && w1 !== 0) x1 = -(w2 * x2 + b) / w1;
      else return;
      if (x1 >= X1[0] - 1e-9 && x1 <= X1[1] + 1e-9 && x2 >= X2[0] - 1e-9 && x2 <= X2[1] + 1e-9) pts.push(self.toPx(x1, x2));
    });
    if (pts.length < 2) return null;
    var A = pts[0], B = pts[1];
    for (var k = 2; k < pts.length; k++) if (Math.hypot(pts[k][0] - A[0], pts[k][1] - A[1]) > Math.hypot(B[0] - A[0], B[1] - A[1])) B = pts[k];
    ctx.strokeStyle = colour; ctx.lineWidth = 3; ctx.setLineDash([9, 6]);
    ctx.beginPath(); ctx.moveTo(A[0], A[1]); ctx.lineTo(B[0], B[1]); ctx.stroke();
    // The active side is where a > 0: the direction (w1, w2), which points up-screen for w2 > 0.
    var n = Math.hypot(w1, w2), ux = w1 / n, uy = -w2 / n;
    ctx.setLineDash([]); ctx.lineWidth = 2;
    ctx.beginPath();
    for (var s = 0.2; s < 1; s += 0.2) {
      var mx = A[0] + s * (B[0] - A[0]), my = A[1] + s * (B[1] - A[1]);
      ctx.moveTo(mx, my); ctx.lineTo(mx + 9 * ux, my + 9 * uy);
    }
    ctx.stroke();
    // The label sits a fifth of the way along from the left end, the other one's from
    // the right end, so that two crossing lines keep their labels apart.
    if (A[0] > B[0]) { var T = A; A = B; B = T; }
    var at = name === "a₁" ? 0.2 : 0.8;
    var mid = [A[0] + at * (B[0] - A[0]) + 16 * ux, A[1] + at * (B[1] - A[1]) + 16 * uy];
    ctx.font = "bold 13px sans-serif"; ctx.textBaseline = "middle";
    var tx = Math.min(Math.max(mid[0] - 14, 2), this.w - 44), ty = Math.min(Math.max(mid[1], 8), this.h - 8);
    ctx.lineWidth = 4; ctx.strokeStyle = this.bg; ctx.lineJoin = "round"; // a halo over the dots
    ctx.strokeText(name + " > 0", tx, ty);
    ctx.fillStyle = colour; ctx.fillText(name + " > 0", tx, ty);
    return { A: A, B: B };
  };

  Playground.prototype.drawRisk = function (col) {
    var sz = this.size(this.riskCanvas, 0.36), ctx = sz.ctx, w = sz.w, h = sz.h, r = this.risks;
    ctx.fillStyle = col.bg; ctx.fillRect(0, 0, w, h);
    var L = 44, B = 22, n = Math.max(r.length, 100), top = 0.8;
    for (var i = 0; i < r.length; i++) if (r[i] > top) top = r[i];
    top = Math.ceil(top * 10) / 10;
    ctx.strokeStyle = col.fg; ctx.lineWidth = 1; ctx.setLineDash([]);
    ctx.beginPath(); ctx.moveTo(L, 4); ctx.lineTo(L, h - B); ctx.lineTo(w - 4, h - B); ctx.stroke();
    ctx.fillStyle = col.fg; ctx.font = "11px sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(top.toFixed(1), 4, 8); ctx.fillText("0", 4, h - B); ctx.fillText("R(φ)", 4, h / 2 - 6);
    ctx.textBaseline = "bottom";
    ctx.fillText("step i", L + 4, h - 2); ctx.fillText(String(n), w - 8 - 7 * String(n).length, h - 2);
    if (!r.length) return;
    ctx.strokeStyle = col.c1; ctx.lineWidth = 2;
    ctx.beginPath();
    var every = Math.max(1, Math.floor(r.length / (w - L)));
    for (i = 0; i < r.length; i += every) {
      var px = L + i / n * (w - L - 4), py = h - B - r[i] / top * (h - B - 4);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.stroke();
  };

  // ------------------------------------------------------------ pointer and keys
  Playground.prototype.bindPlot = function () {
    var self = this, cv = this.canvas, drag = null;
    function at(ev) {
      var r = cv.getBoundingClientRect();
      return [ev.clientX - r.left, ev.clientY - r.top];
    }
    function distance(L, P) {
      if (!L) return Infinity;
      var dx = L.B[0] - L.A[0], dy = L.B[1] - L.A[1];
      return Math.abs(dx * (L.A[1] - P[1]) - dy * (L.A[0] - P[0])) / Math.hypot(dx, dy);
    }
    cv.addEventListener("pointerdown", function (ev) {
      var P = at(ev), d1 = distance(self.lines && self.lines[0], P), d2 = distance(self.lines && self.lines[1], P);
      var grab = Math.min(d1, d2) < 10 ? (d1 <= d2 ? 0 : 1) : -1;
      drag = { k: grab, from: self.toData(P[0], P[1]), b: self.pars[3 * grab + 2] };
      if (grab < 0) { self.point = drag.from; self.changed(false); }
      if (cv.setPointerCapture) cv.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    cv.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var P = at(ev), x = self.toData(P[0], P[1]);
      if (drag.k < 0) { self.point = x; self.changed(false); }
      else self.moveLine(drag.k, x[0] - drag.from[0], x[1] - drag.from[1], drag.b);
    });
    var stop = function () { drag = null; };
    cv.addEventListener("pointerup", stop);
    cv.addEventListener("pointercancel", stop);
    cv.addEventListener("keydown", function (ev) {
      var step = ev.shiftKey ? 0.2 : 0.05;
      var dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[ev.key];
      if (!dir) return;
      ev.preventDefault();
      if (self.target === "point") {
        self.point = [self.point[0] + step * dir[0], self.point[1] + step * dir[1]];
        self.changed(false);
      } else {
        var k = self.target === "line1" ? 0 : 1;
        self.moveLine(k, step * dir[0], step * dir[1], self.pars[3 * k + 2]);
      }
    });
  };

  // Shift neuron k's line a_k = 0 by (d1, d2): only its bias changes.
  Playground.prototype.moveLine = function (k, d1, d2, b0) {
    this.pars[3 * k + 2] = b0 - (this.pars[3 * k] * d1 + this.pars[3 * k + 1] * d2);
    this.userEdit(null);
  };

  function init() {
    var roots = document.querySelectorAll(".bph-playground");
    for (var i = 0; i < roots.length; i++) {
      var root = roots[i], script = root.querySelector("script.bph-data");
      if (!script || root.bphWidget) continue;
      try {
        root.bphWidget = new Playground(root, JSON.parse(script.textContent));
      } catch (err) {
        root.textContent = "The playground could not start: " + err.message;
      }
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
