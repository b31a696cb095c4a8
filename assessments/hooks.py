"""Where other apps take part in what assessments does (issue 16).

`assessments` is the core: apps such as `roadmap` build on it and import it, but it
never imports them (tests/test_architecture.py checks this). Where the core must let
them add something, it runs one of the hooks below; an app registers its functions in
its AppConfig.ready(). Functions run in the order they were registered, which is the
order of INSTALLED_APPS and, within an app, the order of its ready(): deterministic.

- `results_sections(assessment, results, names)` returns a dict that the results page
  adds to its context; asked only on an organisation-wide page whose scores are shown
  (`names`: labels of factor and track codes). Roadmap adds "continuity".
- `assessment_sections(assessment, consultant)` returns a dict with what the
  assessment's page shows of the app (`consultant`: whether the user may edit the
  assessment; every key optional): "actions", header buttons [{"label", "url"}] shown
  after "Bewerken" and before "Resultaten"; "panels", parts [{"template", "context"}]
  rendered after the survey's section, each in a context of its own (as an inclusion
  tag), with the `render_part` tag of assessments/templatetags/hook_parts.py. Roadmap
  adds the strategy session and roadmap buttons, the downloads and the progress.
- `results_actions(assessment, consultant)` returns a dict with what the results page
  offers of the app, on every results page (organisation-wide or a department's, with
  or without scores; `consultant`: whether the user may edit the assessment; every key
  optional): "actions", small buttons [{"label", "url"}] below the number of
  respondents; "comment_actions", buttons [{"label", "url"}] beside each comment the
  page shows (only those: the groups shown, the department shown), each a form that
  posts to its url the comment's factor code ("factor"), its text ("text") and, on a
  department's page, the department ("afdeling"); "downloads", parts
  [{"template", "context"}] rendered after the results files under "Downloaden" (as
  the assessment page's panels). Roadmap adds the results session, the comment as an
  idea in the register, and the poster and report.
- `organisation_sections(organisation, consultant)` returns a dict with what the
  organisation's page shows of the app (`consultant`: whether the user may edit the
  organisation; every key optional): "links", links [{"label", "url"}] shown below the
  organisation's details. Roadmap adds the data projects register and the data portal.
- `model_loaded(write)` runs at the end of `load_model`, after the maturity model(s);
  `write(line)` prints a line of the command's output; a step may raise CommandError.
  Roadmap loads its activity library.
- `demo_measurements_loaded(assessment, earlier)` runs inside `load_demo`'s transaction
  once the demo organisation's own measurements exist (`assessment`: the current,
  closed one; `earlier`: the earlier one), before its comments and the peers are
  added, so what a step builds from them is the same on every run. Every step must be
  idempotent, like load_demo. Roadmap builds the earlier route and the demo roadmap.
"""


class Hook:
    """An ordered set of functions that other apps register and the core runs."""

    def __init__(self, name):
        self.name = name
        self._functions = {}  # "module.qualname" -> function, in registration order

    def register(self, function):
        """Add `function` (usable as a decorator); registering it again adds nothing, so
        a second ready() (as in some test runners) does not run a step twice."""
        self._functions.setdefault(f"{function.__module__}.{function.__qualname__}", function)
        return function

    def functions(self):
        return list(self._functions.values())

    def run(self, *args, **kwargs):
        """Call every registered function in order; their return values, in order."""
        return [function(*args, **kwargs) for function in self.functions()]

    def __repr__(self):
        return f"<Hook {self.name}: {', '.join(self._functions) or 'empty'}>"


results_sections = Hook("results_sections")
assessment_sections = Hook("assessment_sections")
results_actions = Hook("results_actions")
organisation_sections = Hook("organisation_sections")
model_loaded = Hook("model_loaded")
demo_measurements_loaded = Hook("demo_measurements_loaded")


def results_context(assessment, results, names):
    """The context that the registered apps add to an organisation-wide results page."""
    context = {}
    for section in results_sections.run(assessment, results, names):
        context.update(section)
    return context


def _parts(hook, keys, *args):
    """The lists under `keys` that the functions of `hook` return, joined in
    registration order: {key: [...]}."""
    parts = {key: [] for key in keys}
    for section in hook.run(*args):
        for key, items in parts.items():
            items += section.get(key, [])
    return parts


def assessment_parts(assessment, consultant):
    """The actions and panels that the registered apps add to an assessment's page, in
    registration order: {"actions": [...], "panels": [...]}."""
    return _parts(assessment_sections, ("actions", "panels"), assessment, consultant)


def results_parts(assessment, consultant):
    """The actions, comment actions and downloads that the registered apps add to a
    results page, in registration order."""
    keys = ("actions", "comment_actions", "downloads")
    return _parts(results_actions, keys, assessment, consultant)


def organisation_parts(organisation, consultant):
    """The links that the registered apps add to an organisation's page, in
    registration order: {"links": [...]}."""
    return _parts(organisation_sections, ("links",), organisation, consultant)
