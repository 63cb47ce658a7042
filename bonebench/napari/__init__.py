"""napari plugin: open CT volumes with bonebench's reader and segment bones by clicking.

`controller` holds the state and logic (no Qt, testable headless); `widget` only wires napari and
Qt events to it; `reader` turns a volume file into napari layer data with its physical geometry.
Like the rest of the runtime this package never imports torch, `bonebench.train` or the study.
Importing it imports neither napari nor Qt: the widget module does, when napari asks for it.
"""
