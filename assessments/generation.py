"""The model's generation: one key in the shared cache (Redis when REDIS_URL is set, so
every app server and worker sees the same), renewed by every save or delete of a model
version, track, key factor, question or level descriptor, in whatever process it
happens (the admin on any worker, `load_model`, the import).

What a process keeps of the model (the survey's tracks and questions,
collection._structure; the level descriptors, views/survey._descriptors) and the
survey's rendered parts in the shared cache are kept under the generation they were
read under, so a change made anywhere reaches every process at its next request. The
generation changes at the save and again when its transaction commits: what another
connection read in between (the data from before the change) is never kept under the
final generation.

A request reads the generation once (the survey views pass it on); code outside a
request (management commands, the mail worker) reads it at each call.
"""

import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import KeyFactor, LevelDescriptor, ModelVersion, Question, Track

GENERATION_KEY = "survey-part:generation"


@receiver([post_save, post_delete], sender=LevelDescriptor)
@receiver([post_save, post_delete], sender=Question)
@receiver([post_save, post_delete], sender=KeyFactor)
@receiver([post_save, post_delete], sender=Track)
@receiver([post_save, post_delete], sender=ModelVersion)
def _model_changed(sender, **kwargs):
    renew()
    transaction.on_commit(renew)


def renew():
    cache.set(GENERATION_KEY, secrets.token_hex(8), None)


def current(found=None):
    """The model's generation (made when there is none); `found`: what the caller's
    get_many, which asked for GENERATION_KEY along with its own keys, read already."""
    generation = cache.get(GENERATION_KEY) if found is None else found.get(GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        if not cache.add(GENERATION_KEY, generation, None):
            generation = cache.get(GENERATION_KEY)
    return generation
