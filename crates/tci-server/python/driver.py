"""One TCI session: IPython's InteractiveShell behind a line protocol on pipes.

The server starts one of these per session. Requests arrive on stdin as one
JSON object per line, `{"code": "..."}`; each is answered on stdout with one
line, `{"outputs": [...]}`, holding TCI outputs (`stdout`, `stderr`, `error`,
`display_data`, `execute_result`) in the order they happened. Before the
first request the driver writes `{"ready": true, "pid": ..., "preload_failed":
[...]}`.

A pooled interpreter is started with TCI_PRELOAD, a comma-separated list of
modules it imports (and, for pyplot, renders one figure with) before it says
it is ready, so that a session's first `import pandas` or first plot does not
pay for loading them. The modules land in `sys.modules` only: the user's
namespace stays empty, as in a fresh Python.

The protocol pipes are moved off fds 0/1/2 at start-up so that user code
(print, input, os.system, C extensions) can never write into the protocol;
what the code writes to fd 1 or 2 is read back and kept as stdout/stderr.
"""

import json
import os
import signal
import sys
import threading

PROTOCOL_IN = os.fdopen(os.dup(0), "rb", buffering=0)
PROTOCOL_OUT = os.fdopen(os.dup(1), "wb")
DEFAULT_OUTPUT_CAP = 1 << 20


def send(message):
    PROTOCOL_OUT.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
    PROTOCOL_OUT.flush()


def apply_limits():
    import resource

    for variable, kind in (
        ("TCI_MEMORY_LIMIT_BYTES", resource.RLIMIT_AS),
        # Python ignores SIGXFSZ, so a write past the limit raises
        # OSError(EFBIG) instead of killing the session.
        ("TCI_FILE_SIZE_LIMIT_BYTES", resource.RLIMIT_FSIZE),
    ):
        limit = int(os.environ.get(variable, "0"))
        if limit > 0:
            resource.setrlimit(kind, (limit, limit))


def die_with_the_server():
    """Kills this session's whole process group when its parent (the
    server, or bubblewrap) goes away, even while user code runs: a server
    killed with SIGKILL cannot do it itself."""
    parent = os.getppid()

    def watch():
        import select

        try:
            pidfd = os.pidfd_open(parent)
            select.select([pidfd], [], [])
        except (AttributeError, OSError):
            # No pidfd here (Linux before 5.3): look once a second.
            import time

            while os.getppid() == parent:
                time.sleep(1)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


class Outputs:
    """The outputs of one execution, with adjacent stream chunks merged and
    a cap on their total size so runaway printing cannot exhaust memory."""

    def __init__(self, cap):
        self.cap = cap
        self.items = []
        self.size = 0
        self.truncated = False

    def _admit(self, size):
        if self.truncated:
            return False
        if self.size + size > self.cap:
            self.truncated = True
            return False
        self.size += size
        return True

    def stream(self, name, text):
        if text:
            with LOCK:
                drain_captured()
                self.append_stream(name, text)

    def append_stream(self, name, text):
        if not self._admit(len(text.encode("utf-8", "replace"))):
            return
        last = self.items[-1] if self.items else None
        if last is not None and last["type"] == name:
            last["data"] += text
        else:
            self.items.append({"type": name, "data": text})

    def rich(self, kind, bundle):
        size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in bundle.values())
        with LOCK:
            drain_captured()
            if self._admit(size):
                self.items.append({"type": kind, "data": bundle})

    def error(self, text):
        with LOCK:
            drain_captured()
            # A traceback is always kept: it explains why the cell stopped.
            self.items.append({"type": "error", "data": text})

    def finish(self):
        if self.truncated:
            mib = self.cap / (1 << 20)
            self.items.append(
                {
                    "type": "stderr",
                    "data": f"\n[output truncated: this execution printed more than {mib:g} MiB]\n",
                }
            )
        return self.items


CURRENT = Outputs(DEFAULT_OUTPUT_CAP)
# Guards CURRENT's lists against the capture thread.
LOCK = threading.RLock()
CAPTURED = None


def drain_captured():
    if CAPTURED is not None:
        CAPTURED.drain()


class StreamToOutputs:
    """sys.stdout / sys.stderr for user code."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, name):
        self.name = name

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        CURRENT.stream(self.name, text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    def fileno(self):
        return 1 if self.name == "stdout" else 2


class NoInput:
    """sys.stdin: a TCI request cannot answer input(), so say so at once."""

    encoding = "utf-8"

    def readline(self, *args):
        raise EOFError("input() is not available: the code runs without a terminal")

    read = readline

    def isatty(self):
        return False

    def fileno(self):
        return 0


class CapturedFds:
    """Points fds 1 and 2 at pipes and keeps what arrives there as stdout and
    stderr, so subprocesses and C code are captured too.

    The pipes are drained under the outputs' lock before every Python-level
    write and at the end of each execution, so `os.system("echo a")` followed
    by `print("b")` keeps its order; a thread drains them in between so a
    writer never blocks on a full pipe."""

    def __init__(self):
        self.pipes = {}
        self.pending = {}
        for fd, name in ((1, "stdout"), (2, "stderr")):
            read_end, write_end = os.pipe()
            os.dup2(write_end, fd)
            os.close(write_end)
            os.set_blocking(read_end, False)
            self.pipes[read_end] = name
            self.pending[read_end] = b""
        threading.Thread(target=self.pump, name="capture", daemon=True).start()

    def pump(self):
        import select

        while True:
            readable, _, _ = select.select(list(self.pipes), [], [])
            with LOCK:
                for read_end in readable:
                    self.drain_one(read_end)

    def drain(self):
        """Moves everything written to the fds so far into the outputs.
        The caller holds LOCK."""
        for read_end in self.pipes:
            self.drain_one(read_end)

    def drain_one(self, read_end):
        data = self.pending[read_end]
        while True:
            try:
                chunk = os.read(read_end, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            data += chunk
        # Hold back a UTF-8 character cut in two by the pipe.
        keep = incomplete_utf8_tail(data)
        text, self.pending[read_end] = data[: len(data) - keep], data[len(data) - keep :]
        if text:
            CURRENT.append_stream(self.pipes[read_end], text.decode("utf-8", "replace"))


def incomplete_utf8_tail(data):
    for size in range(1, min(4, len(data) + 1)):
        byte = data[-size]
        if byte & 0xC0 == 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return size if size < needed else 0
        if byte & 0xC0 != 0x80:
            return 0
    return 0


def build_shell():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            CURRENT.rich("display_data", dict(data))

        def clear_output(self, wait=False):
            pass

    class ResultHook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            CURRENT.rich("execute_result", dict(format_dict))

        def finish_displayhook(self):
            pass

    class Shell(InteractiveShell):
        def _showtraceback(self, etype, evalue, stb):
            CURRENT.error("\n".join(stb))

        def enable_gui(self, gui=None):
            pass

    from traitlets.config import Config

    config = Config()
    # No history database: sessions are throwaway and may share IPYTHONDIR.
    config.HistoryManager.enabled = False
    return Shell.instance(
        config=config,
        displayhook_class=ResultHook,
        display_pub_class=Publisher,
        colors=colour_scheme(),
    )


def colour_scheme():
    # IPython 9 renamed its colour schemes to lower case.
    import IPython

    return "linux" if IPython.version_info[0] >= 9 else "Linux"


def preload(names):
    """Imports the modules named, before any session uses this process;
    returns why each one that failed did."""
    import importlib

    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - any failure is reported, none is fatal
            failed.append(f"{name}: {type(error).__name__}: {error}")
    if "matplotlib.pyplot" in sys.modules:
        try:
            warm_up_figures()
        except Exception as error:  # noqa: BLE001
            failed.append(f"matplotlib.pyplot (first figure): {type(error).__name__}: {error}")
    return failed


def warm_up_figures():
    """Does once what a session's first plot would: resolves pyplot's backend
    (which hooks the inline backend into the shell) and renders a figure to
    PNG, loading the fonts and the renderer. The figure is not pyplot's, so
    no figure, number or pending draw is left for the session to see."""
    import matplotlib
    import matplotlib.pyplot as pyplot
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    pyplot.switch_backend(matplotlib.rcParams["backend"])
    figure = Figure()
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1])
    axes.set_title("warm-up")
    print_figure(figure, "png", bbox_inches="tight")


def show_figures_before_redrawing(shell):
    """After each cell pyplot redraws every open figure (in interactive mode),
    then the inline backend draws them again to show and close them. With the
    inline backend's flush first, the redraw finds nothing left open: one
    whole draw less per plotting cell, and the same outputs."""
    callbacks = shell.events.callbacks["post_execute"]
    names = [getattr(callback, "__name__", "") for callback in callbacks]
    if "flush_figures" in names and "_draw_all_if_interactive" in names:
        flush = callbacks[names.index("flush_figures")]
        redraw_at = names.index("_draw_all_if_interactive")
        if names.index("flush_figures") > redraw_at:
            callbacks.remove(flush)
            callbacks.insert(redraw_at, flush)


def flush_open_figures():
    """Shows figures still open at the end of a cell, as Jupyter does, when
    the code used pyplot without `plt.show()`."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    try:
        from matplotlib_inline.backend_inline import flush_figures

        flush_figures()
    except Exception:  # pragma: no cover - matplotlib internals vary
        pass


class ConfigureOnImport:
    """Runs a function on a module right after its first import, so that a
    library the session may never use is not imported up front, and a cell
    that imports it and shows a chart at once still gets the setting."""

    def __init__(self, configure):
        self.configure = configure

    def find_spec(self, name, path=None, target=None):
        if name not in self.configure:
            return None
        import importlib.util

        # Found by the other finders; this one only wraps the loader.
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        configure, load = self.configure.pop(name), spec.loader.exec_module

        def exec_module(module):
            load(module)
            try:
                configure(module)
            except Exception:  # noqa: BLE001 - the library's default stays
                pass

        spec.loader.exec_module = exec_module
        return spec


def show_charts_as_jupyter_does():
    """Charting libraries detect a notebook to decide what a figure's output
    is; here they would open a browser (plotly) or emit HTML that loads its
    scripts from a CDN (Altair). JupyterLab gets MIME bundles, which the
    playground draws itself: plotly's `application/vnd.plotly.v1+json` and
    Altair's `application/vnd.vegalite.v*+json`. (SymPy needs nothing:
    IPython's LaTeX formatter already asks its objects for `text/latex`.)"""
    os.environ.setdefault("PLOTLY_RENDERER", "plotly_mimetype")
    sys.meta_path.insert(
        0, ConfigureOnImport({"altair": lambda altair: altair.renderers.enable("mimetype")})
    )


def main():
    die_with_the_server()
    apply_limits()
    cap = int(os.environ.get("TCI_OUTPUT_CAP_BYTES", DEFAULT_OUTPUT_CAP))
    # Inline figures are PNG bundles, exactly what Jupyter returns.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    show_charts_as_jupyter_does()

    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    global CAPTURED, CURRENT
    CAPTURED = CapturedFds()
    sys.stdin = NoInput()
    sys.stdout = StreamToOutputs("stdout")
    sys.stderr = StreamToOutputs("stderr")

    shell = build_shell()
    modules = [name.strip() for name in os.environ.get("TCI_PRELOAD", "").split(",")]
    failed = preload([name for name in modules if name])
    with LOCK:
        # What importing printed (warnings, a font cache being built) is no
        # session's output.
        drain_captured()
        CURRENT = Outputs(cap)
    send({"ready": True, "pid": os.getpid(), "preload_failed": failed})

    # The server interrupts a running execution with SIGINT. One that lands
    # between executions (the code finished as the timeout fired) has
    # nothing to stop and must not break a protocol read or write.
    running = False

    def interrupt(signum, frame):
        if running:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)

    while True:
        line = PROTOCOL_IN.readline()
        if not line:
            return
        request = json.loads(line)
        with LOCK:
            CURRENT = Outputs(cap)
        show_figures_before_redrawing(shell)
        try:
            running = True
            shell.run_cell(request["code"], store_history=True)
            flush_open_figures()
        except KeyboardInterrupt:
            CURRENT.error("KeyboardInterrupt: execution interrupted")
        finally:
            running = False
        with LOCK:
            drain_captured()
            outputs = CURRENT.finish()
        send({"outputs": outputs})


if __name__ == "__main__":
    main()
