"""The session store with Redis: Django's cached_db (every session in the database and
in the cache, read from the cache), writing a session in one statement.

Django's database store makes a new session with a look-up of the new key (is it
taken?) and then BEGIN, INSERT, COMMIT: four round trips for every respondent who opens
their link. A key of 32 random characters is never taken in practice, and if it were
the INSERT would fail on the primary key and create() draws another key (as Django's
own create() does after a failed INSERT). Outside a transaction one statement is a
transaction by itself, so BEGIN and COMMIT are only needed inside one (the savepoint
then keeps a failed INSERT from breaking the outer transaction).
"""

import logging

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils.crypto import get_random_string

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDbStore):
    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            if connections[using].in_atomic_block:
                with transaction.atomic(using=using):
                    obj.save(force_insert=must_create, force_update=not must_create, using=using)
            else:
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:  # as cached_db: the database holds it all the same
            logger.exception("Error saving to cache (%s)", self._cache)
