"""A fresh ipykernel's first plot, driven by jupyter_client, for the load
benchmark (benches/load.rs) to time beside the server's own.

Usage: python ipykernel_first_plot.py CODE_FILE

Starts one untimed kernel first (it builds matplotlib's font cache in
MPLCONFIGDIR, as the server's first interpreter does), then prints one JSON
line with the versions. Then, for each line read on stdin, starts a new
kernel, times its start (until it answers kernel_info) and the execution of
CODE (from the execute request to the kernel's return to idle) and the
kernel's CPU time in it, checks that a PNG came back, and prints
{"start_ms": ..., "first_plot_ms": ..., "cpu_ms": ...}.
"""

import json
import os
import sys
import time

import ipykernel
import jupyter_client
from jupyter_client.manager import KernelManager


def cpu_seconds(pid):
    """CPU time of all of a process's threads, from the scheduler's count."""
    total = 0
    for thread in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{thread}/schedstat") as stat:
            total += int(stat.read().split()[0])
    return total / 1e9


def first_plot(code):
    manager = KernelManager(kernel_name="python3")
    began = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        started = time.perf_counter() - began
        pid = manager.provisioner.process.pid
        cpu = cpu_seconds(pid)
        began = time.perf_counter()
        msg_id = client.execute(code)
        png = False
        while True:
            message = client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            content = message["content"]
            if kind == "display_data" and "image/png" in content["data"]:
                png = True
            elif kind == "error":
                raise RuntimeError("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                break
        elapsed = time.perf_counter() - began
        cpu = cpu_seconds(pid) - cpu
        if not png:
            raise RuntimeError("the kernel showed no PNG")
        return started, elapsed, cpu
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def say(message):
    print(json.dumps(message), flush=True)


def main():
    with open(sys.argv[1]) as file:
        code = file.read()
    first_plot(code)
    say({"ipykernel": ipykernel.__version__, "jupyter_client": jupyter_client.__version__})
    for _ in sys.stdin:
        started, elapsed, cpu = first_plot(code)
        say({"start_ms": started * 1000, "first_plot_ms": elapsed * 1000, "cpu_ms": cpu * 1000})


if __name__ == "__main__":
    main()
