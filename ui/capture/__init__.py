"""The capture steps of the enrollment: face, ten fingers, signature, review and save.

`flow.CaptureFlow` holds the steps and the record being captured; `common` has the plumbing
(device futures and preview frames to the GUI thread, device pickers, the supervisor's
confirmation). Device I/O runs on the device manager's workers, checks (face, finger quality,
sequence) on the flow's check worker, and station calls on the window's worker: never on the GUI
thread.
"""
