"""The desk: everything processing needs (config, rules, reply templates, correlation patterns,
the extractor, the intake's workers, packing specifications, follow-up plans), loaded and checked
once at start-up, where any error stops it.

Below `pipeline` and `decide`, which take a `Desk`; above the stages whose parts it holds.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from mailflow import learn, linear
from mailflow.config import Config
from mailflow.correlate import token_pattern
from mailflow.errors import ConfigError, MailflowError, ReplyTemplateError, RuleError
from mailflow.extract import Extractor, settings_from
from mailflow.extract.templates import load_templates
from mailflow.follow import DIGEST_TEMPLATE, Follower, follower_from
from mailflow.intake import Budget, DeskSpec, Intake, rules_version
from mailflow.reply.packing import Product, load_products
from mailflow.reply.plan import Planner, expression, sample_contexts
from mailflow.reply.render import ReplyTemplates
from mailflow.rules import RuleSet, load_rules
from mailflow.shipped import shipped

log = logging.getLogger("mailflow.pipeline")  # the name its lines had when this lived in pipeline.py


@dataclass(frozen=True)
class Desk:
    """Everything processing needs, loaded and checked once at start-up."""

    config: Config
    rules: RuleSet
    templates: ReplyTemplates
    patterns: tuple[linear.Pattern, ...]
    token: linear.Pattern
    extractor: Extractor  # checks what the intake read; reads documents only for the CLI
    intake: Intake  # the content stages, in budgeted worker processes
    products: dict[str, Product] | None = None  # packing specifications (packing.products)
    follower: Follower | None = None  # the follow-up plans (rules/followup)

    @property
    def planner(self) -> Planner:
        return Planner(self.config, self.templates, self.products)

    @property
    def model_file(self) -> Path | None:
        return Path(self.intake.spec.model_file) if self.intake.spec.model_file else None

    def use_model(self, path: Path) -> None:
        """A newly trained classifier: the workers load it before their next mail."""
        if self.intake.spec.model_file and Path(self.intake.spec.model_file) != path:
            self.intake.spec = dataclasses.replace(self.intake.spec, model_file=str(path))
            log.info("classifier in use: %s", learn.describe_file(path))

    def refresh_model(self) -> None:
        """Another daemon (or `mailflow train`) may have trained a new classifier (one trained
        on another machine is fetched into the models folder first: `daemon.refresh_model`)."""
        if self.intake.spec.model_file:
            current = learn.desk_model_file(self.config.models_dir)
            if current is not None:
                self.use_model(current)

    def close(self) -> None:
        self.intake.close()
        self.extractor.close()


def load_desk(config: Config) -> Desk:
    """Load rules and templates; any error stops start-up (never skipped with a warning)."""
    rules = load_rules(config.rules_dir, ours=config.identity.ours)
    templates = ReplyTemplates(config.templates_dir / "reply")
    templates.check()
    templates.check_render(sample_contexts(config))  # a template that fails on every mail stops here
    for rule in rules.rules:
        for action in rule.actions:
            if action.kind == "reply" and action.params["template"] not in templates.names():
                raise ReplyTemplateError(
                    f"rule {rule.name!r} replies with template {action.params['template']!r}, "
                    f"which is not in {templates.directory}", rule.file, rule.line, "then.reply")
    follower = follower_from(config)
    for plan in follower.plans if follower else ():
        for milestone in plan.milestones:
            if milestone.chaser and milestone.chaser.template not in templates.names():
                raise ReplyTemplateError(
                    f"milestone {milestone.key!r} chases with template {milestone.chaser.template!r}, "
                    f"which is not in {templates.directory}", plan.file, milestone.line, "chaser.template")
    if config.digest is not None and DIGEST_TEMPLATE not in templates.names():
        raise ConfigError(f"the digest needs the template {DIGEST_TEMPLATE!r} in {templates.directory}",
                          config.file, None, "digest")
    settings = settings_from(config)
    load_templates(settings.template_dirs)  # a broken extraction template stops start-up too
    if config.reply.hold_if:
        try:
            expression(config.reply.hold_if)
        except RuleError as exc:
            raise ConfigError(exc.message, config.file, None, "reply.hold_if") from None
    products = load_products(config.resolve(config.packing.products)) if config.packing.products else None
    spec = DeskSpec(str(config.rules_dir), settings, rules_version(config.rules_dir),
                    model_file=str(classifier_file(config, rules) or ""), overrule=config.classifier.overrule,
                    patterns=tuple(config.correlation.patterns), ours=config.identity.ours)
    budget = Budget(cpu_seconds=config.intake.cpu_seconds, memory_mb=config.intake.memory_mb,
                    workers=config.intake.workers)
    return Desk(config=config, rules=rules, templates=templates,
                patterns=tuple(linear.compile(p) for p in config.correlation.patterns),
                token=token_pattern(config.reply.subject_token), extractor=Extractor(settings),
                intake=Intake(spec, budget), products=products, follower=follower)


def classifier_file(config: Config, rules: RuleSet) -> Path | None:
    """The learned classifier the rules read, trained first if this desk has none yet; None when
    no rule reads it or it is switched off. A model that cannot be had stops start-up: rules
    that ask it would otherwise decide without it."""
    if not config.classifier.enabled or not rules.reads_classifier:
        return None
    try:
        path = learn.model_file(config.models_dir, shipped("eval"))
    except (OSError, MailflowError) as exc:
        raise ConfigError(f"the classifier could not be loaded or trained: {exc} (or set "
                          "classifier.enabled: false)", config.file, None, "classifier") from None
    log.debug("classifier in use: %s", learn.describe_file(path))
    return path
