"""`dumpdata`/`loaddata` in JSON that keep timestamps to the microsecond.

Django's JSON encoder writes datetimes and times to the millisecond (an
ECMA-262 habit), so a dump and load moved every timestamp, and with them every
`<time datetime>`, `dateModified` and ETag. Registered in settings as the
"json" format, this serializer writes the full ISO 8601 value instead; the
deserializer is Django's, which already reads both forms, so older dumps still
load. Chosen over storing timestamps at millisecond precision because that
would change data already stored and the order of two edits within one
millisecond, while this changes nothing but the dump.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoSerializer

__all__ = ["Deserializer", "Serializer"]


class FullPrecisionEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            value = o.isoformat()
            return value[:-6] + "Z" if value.endswith("+00:00") else value
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = FullPrecisionEncoder
