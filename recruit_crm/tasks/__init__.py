"""What runs in the background: scheduler entry points and queued jobs, one module per capability.

Each function is thin: it calls one typed service function and owns the transaction boundaries a
background run needs. Services queue jobs by the dotted paths of these functions.
"""

from recruit_crm.legacy_paths import module_getattr

__getattr__ = module_getattr(__name__)  # jobs queued under a pre-0.2 path still run (one release)
