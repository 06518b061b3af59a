__version__ = "0.2.0"

from recruit_crm import legacy_paths

legacy_paths.install()  # jobs queued under pre-0.2 dotted paths still run (one release)
