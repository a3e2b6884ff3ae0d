"""`make portable`: the unit tests under several OpenBLAS kernels, one pytest run each.

numpy's OpenBLAS picks a kernel for the processor it finds (SkylakeX on an AVX-512
machine, Haswell on an AVX2 laptop, ...), and each kernel sums a matrix product in its
own order. A test whose tolerance was tuned to one kernel's rounding passes on the
author's machine and fails on a student's. OPENBLAS_CORETYPE forces a kernel, so this
runs the suite under the kernels students' x86 machines get.

For each kernel a child Python first asks threadpoolctl which kernel OpenBLAS really
runs. OpenBLAS reports some kernels under another name (it runs Zen with its Haswell
code, and reports Prescott as Katmai); a kernel this processor cannot run (one whose
instructions it lacks), or a numpy without OpenBLAS (Apple's Accelerate), is reported
and skipped rather than failed. The pytest run then gets MLP_EXPECT_BLAS_KERNEL, and
tests/conftest.py stops it unless threadpoolctl sees that kernel inside the run too.

Usage: python tests/portable.py [pytest arguments...]
"""

import os
import subprocess
import sys

KERNELS = ["Prescott", "Sandybridge", "Haswell", "SkylakeX", "Zen"]
# What OpenBLAS 0.3's threadpoolctl report calls each forced kernel.
REPORTED_AS = {"Prescott": {"Prescott", "Katmai"}, "Zen": {"Zen", "Haswell"}}

PROBE = (
    "import numpy\n"
    "from threadpoolctl import threadpool_info\n"
    "blas = [i for i in threadpool_info() if i['user_api'] == 'blas']\n"
    "print(blas[0]['internal_api'] + ' ' + (blas[0].get('architecture') or '?')"
    " if blas else 'none ?')\n"
)


def probe(kernel):
    """(BLAS library, kernel it runs) in a fresh Python with OPENBLAS_CORETYPE=kernel."""
    env = dict(os.environ, OPENBLAS_CORETYPE=kernel)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    library, running = out.stdout.split()
    return library, running


def main(pytest_args):
    ran, skipped, failed = [], [], []
    for kernel in KERNELS:
        library, running = probe(kernel)
        if library != "openblas" or running not in REPORTED_AS.get(kernel, {kernel}):
            skipped.append(f"{kernel} (this machine runs {library} {running})")
            print(f"\n=== {kernel}: skipped, numpy's BLAS here is {library} {running}", flush=True)
            continue
        print(f"\n=== OPENBLAS_CORETYPE={kernel}: OpenBLAS runs {running}", flush=True)
        env = dict(os.environ, OPENBLAS_CORETYPE=kernel, MLP_EXPECT_BLAS_KERNEL=running)
        code = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], env=env).returncode
        (ran if code == 0 else failed).append(f"{kernel} ({running})")
    print("\nmake portable:")
    print(f"  passed under: {', '.join(ran) or 'none'}")
    if skipped:
        print(f"  skipped: {', '.join(skipped)}")
    if failed:
        print(f"  FAILED under: {', '.join(failed)}")
        return 1
    if not ran:
        # No kernel can be forced here (no OpenBLAS, or not x86): run once as it comes.
        print("  no kernel could be forced: running once with this machine's BLAS")
        return subprocess.run([sys.executable, "-m", "pytest", *pytest_args]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
