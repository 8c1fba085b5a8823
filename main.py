"""Launch nnsim: `python main.py [FILE]` (see `python main.py --help`)."""
import os

# The engine's matrices are small: one BLAS thread is fastest, and extra ones spin on the cores
# the GUI thread needs.  Set before NumPy is imported (nnsim.app.engine_thread also limits an
# OpenBLAS loaded earlier, e.g. under tests).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

if __name__ == "__main__":
    # Start-up makes hundreds of thousands of objects and frees almost none: the garbage
    # collector's passes over them are wasted (about 60 ms).  The app turns it back on once
    # its window is painted (nnsim.app.cli).
    import gc

    gc.disable()
    # Imported here, not above: the engine's process imports this file as a module too
    # (multiprocessing does), and needs none of the GUI.
    from nnsim.app import main

    main()
