"""The inspiration-and-vision session: glossary, use-case catalogue, the session's
record, and the presentation mode.

Glossary and catalogue are the same for everyone; an assessment's consultants and
viewers may read them (the session is held with the organisation). Only consultants
add a use case to the register or record the session. The presentation shows results
only as the results page does: through assessment_results() and visible_comments(),
never from raw answers, and to viewers only when they may see the results at all.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import get_assessment_for_user, get_assessment_with_role, results_visible
from assessments.models import KeyFactor, Track
from assessments.presentation import (
    bar_row,
    group_labels,
    group_table_by_group,
    labels,
    score_row,
)
from assessments.results import assessment_results, visible_comments

from .forms import VisionSessionForm
from .inspiration import add_use_case_to_register, current_version, filter_use_cases
from .models import UseCase, UseCaseDomain, UseCaseLevel, VisionSession

TERMS_PER_SLIDE = 3
CASES_PER_LEVEL = 4
COMMENTS_PER_SLIDE = 4
COMMENT_CHARS = 160


def _version_or_404():
    version = current_version()
    if version is None:
        raise Http404
    return version


@login_required
def glossary(request, pk):
    assessment, consultant = get_assessment_with_role(request.user, pk)
    version = _version_or_404()
    terms = sorted(version.terms.all(), key=lambda term: term.label.lower())
    return render(
        request,
        "roadmap/inspiration/glossary.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "terms": terms,
            "version": version,
            "consultant": consultant,
        },
    )


def _factors_and_tracks(assessment):
    factors = list(
        KeyFactor.objects.filter(version_id=assessment.model_version_id).select_related("track")
    )
    tracks = list(Track.objects.filter(version_id=assessment.model_version_id))
    return factors, tracks


@login_required
def catalogue(request, pk):
    assessment, consultant = get_assessment_with_role(request.user, pk)
    version = _version_or_404()
    factors, tracks = _factors_and_tracks(assessment)
    factor_names = {factor.code: factor.label for factor in factors}
    track_codes = {track.code for track in tracks}

    def choice(name, allowed):
        value = request.GET.get(name, "").strip()
        return value if value in allowed else ""

    domain = choice("domein", UseCaseDomain.values)
    level = choice("niveau", UseCaseLevel.values)
    factor = choice("factor", factor_names)
    track = choice("spoor", track_codes)
    track_factors = (
        [factor.code for factor in factors if factor.track.code == track] if track else None
    )
    use_cases = filter_use_cases(
        version.use_cases.all(),
        domain=domain,
        level=level,
        factor=factor,
        track_factors=track_factors,
    )
    in_register = set()
    if consultant:
        in_register = set(assessment.organisation.data_projects.values_list("subject", flat=True))
    for use_case in use_cases:
        use_case.factor_rows = [(code, factor_names.get(code, code)) for code in use_case.factors]
        use_case.in_register = use_case.title in in_register
    return render(
        request,
        "roadmap/inspiration/catalogue.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "use_cases": use_cases,
            "total": version.use_cases.count(),
            "consultant": consultant,
            "domains": UseCaseDomain.choices,
            "levels": UseCaseLevel.choices,
            "factors": factors,
            "tracks": tracks,
            "chosen": {"domain": domain, "level": level, "factor": factor, "track": track},
            "filtered": bool(domain or level or factor or track),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def catalogue_add(request, pk, code):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    version = _version_or_404()
    use_case = UseCase.objects.filter(version=version, code=code).first()
    if use_case is None:
        raise Http404
    project = add_use_case_to_register(assessment.organisation, use_case)
    if project is None:
        messages.info(
            request,
            _("“%(title)s” staat al in het register van dataprojecten.")
            % {"title": use_case.label},
        )
    else:
        messages.success(
            request,
            _("“%(title)s” staat nu als idee in het register van dataprojecten.")
            % {"title": use_case.label},
        )
    url = reverse("inspiration_catalogue", args=[assessment.pk])
    query = request.POST.get("query", "")
    # Back to the same filters (only our own parameters; anything else is dropped).
    if query and all(
        part.split("=")[0] in {"domein", "niveau", "factor", "spoor"} for part in query.split("&")
    ):
        url = f"{url}?{query}"
    return redirect(f"{url}#uc-{use_case.code}")


@login_required
def vision_session(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    session = VisionSession.objects.filter(assessment=assessment).first()
    initial = {"held_on": timezone.localdate()}
    if session is not None:
        initial = {"held_on": session.held_on, "notes": session.notes}
        initial.update({f"role_{code}": n for code, n in session.participants.items()})
    form = VisionSessionForm(request.POST or None, initial=initial, roles=VisionSession.ROLES)
    if request.method == "POST" and form.is_valid():
        VisionSession.objects.update_or_create(
            assessment=assessment,
            defaults={
                "held_on": form.cleaned_data["held_on"],
                "participants": form.participants(),
                "notes": form.cleaned_data["notes"],
                "updated_at": timezone.now(),
            },
        )
        messages.success(request, _("Sessie visie en inspiratie opgeslagen."))
        return redirect(f"{reverse('strategy', args=[assessment.pk])}#h-session")
    return render(
        request,
        "roadmap/inspiration/session_form.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "form": form,
            "session": session,
        },
    )


# --- Presentation mode -----------------------------------------------------------------


def _knowledge_slides(version):
    terms = [term for term in version.terms.all() if term.key]
    chunks = [terms[i : i + TERMS_PER_SLIDE] for i in range(0, len(terms), TERMS_PER_SLIDE)]
    return [
        {
            "kind": "knowledge",
            "title": _("Kennis: wat bedoelen we met …"),
            "part": (n, len(chunks)),
            "terms": chunk,
        }
        for n, chunk in enumerate(chunks, start=1)
    ]


def _inspiration_slides(version):
    """Per level a few examples, from as many different domains as possible."""
    slides = []
    use_cases = list(version.use_cases.all())
    for level, level_label in UseCaseLevel.choices:
        picked, domains = [], set()
        of_level = [uc for uc in use_cases if uc.level == level]
        for use_case in of_level:
            if use_case.domain not in domains and len(picked) < CASES_PER_LEVEL:
                picked.append(use_case)
                domains.add(use_case.domain)
        for use_case in of_level:
            if use_case not in picked and len(picked) < CASES_PER_LEVEL:
                picked.append(use_case)
        slides.append(
            {
                "kind": "inspiration",
                "title": _("Inspiratie: %(level)s") % {"level": level_label},
                "use_cases": picked,
            }
        )
    return slides


def _track_slides(results, names, tracks, factors):
    """Per track: scores now and desired with the spread, the groups side by side, and
    the comments (only what the results page shows). The rows are the report's:
    presentation.py's score_row, bar_row and group_table_by_group."""
    comments = visible_comments(results)
    shown_groups = any(group.shown for group in results.groups)
    slides = []
    for track in tracks:
        score = results.tracks.get(track.code)
        codes = [f.code for f in factors if f.track_id == track.pk and f.code in results.factors]
        slides.append(
            {
                "kind": "scores",
                "title": track.label,
                "subtitle": _("Score nu en gewenst"),
                "track": score_row(track.code, track.label, score) if score else None,
                "rows": [
                    bar_row(code, names.get(code, code), results.factors[code]) for code in codes
                ],
            }
        )
        if shown_groups:
            slides.append(
                {
                    "kind": "groups",
                    "title": track.label,
                    "subtitle": _("Groepen naast elkaar (score nu)"),
                    "codes": [(code, names.get(code, code)) for code in codes],
                    "groups": group_table_by_group(results, names, codes),
                }
            )
        texts = [(names.get(code, code), text) for code in codes for text in comments.get(code, [])]
        if texts:
            slides.append(
                {
                    "kind": "comments",
                    "title": track.label,
                    "subtitle": _("Wat respondenten schreven"),
                    "comments": [
                        (name, text if len(text) <= COMMENT_CHARS else f"{text[:COMMENT_CHARS]}…")
                        for name, text in texts[:COMMENTS_PER_SLIDE]
                    ],
                    "more": max(0, len(texts) - COMMENTS_PER_SLIDE),
                }
            )
    return slides


def presentation_slides(assessment, consultant):
    """Every slide of the session's presentation, in order."""
    version = current_version()
    slides = [{"kind": "title", "title": assessment.name}]
    if version is not None:
        slides += _knowledge_slides(version)
        slides += _inspiration_slides(version)
    if not results_visible(assessment, consultant=consultant):
        slides.append(
            {
                "kind": "message",
                "title": _("Uitslag"),
                "text": _("De uitslag volgt zodra de meting is gesloten."),
            }
        )
        return slides
    results = assessment_results(assessment, current=consultant)
    if not results.scores_shown:
        slides.append(
            {
                "kind": "message",
                "title": _("Uitslag"),
                "text": _(
                    "Er zijn te weinig ingevulde vragenlijsten om scores te tonen "
                    "(minimaal %(k)s per groep)."
                )
                % {"k": results.scoring.min_group_size},
            }
        )
        return slides
    names = group_labels(results, labels(assessment))
    factors, tracks = _factors_and_tracks(assessment)
    slides.append(
        {
            "kind": "overview",
            "title": _("Uitslag"),
            "respondents": results.respondents,
            "score": score_row("overall", _("Totaal"), results.overall),
        }
    )
    slides += _track_slides(results, names, tracks, factors)
    return slides


@login_required
def presentation(request, pk, slide=1):
    number = slide  # its place in the deck, 1 first
    assessment, consultant = get_assessment_with_role(request.user, pk)
    slides = presentation_slides(assessment, consultant)
    if not 1 <= number <= len(slides):
        raise Http404

    def url(n):
        return reverse("presentation_slide", args=[assessment.pk, n])

    exit_url = (
        reverse("strategy", args=[assessment.pk])
        if consultant
        else reverse("assessment", args=[assessment.pk])
    )
    return render(
        request,
        "session/slide.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "slide": slides[number - 1],
            "number": number,
            "count": len(slides),
            "previous_url": url(number - 1) if number > 1 else "",
            "next_url": url(number + 1) if number < len(slides) else "",
            "first_url": url(1),
            "last_url": url(len(slides)),
            "exit_url": exit_url,
            "session": VisionSession.objects.filter(assessment=assessment).first(),
        },
    )
