"""The window. The only package, with the worker bridge, that imports Qt.

The Qt-free modules the first window needs are imported here, before PySide6: once PySide6 is
loaded, its import hook reads the source of every module imported after it, which costs the
start-up time of an empty window again.
"""

import smsdesk.core.segments
import smsdesk.core.template
import smsdesk.engine.first_run
import smsdesk.engine.template_params
import smsdesk.engine.templates
import smsdesk.logsetup
import smsdesk.storage  # noqa: F401
