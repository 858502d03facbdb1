"""`jitbot eval`: measure answer and retrieval quality."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_support import pass_services
from .services import Services


@click.group("eval")
def eval_group() -> None:
    """Evaluate answers (qa) and retrieval (beir)."""


@eval_group.command("qa")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--generator/--extractive", "generate", default=None,
              help="Answer with the language model (JITBOT_LLM_*) or extractively "
                   "[default: as configured].")
@pass_services
def eval_qa(services: Services, file: Path, as_json: bool, generate: bool | None) -> None:
    """Score hit@1/hit@5, contact@3 and abstention on a question file (qa-dev.jsonl format)."""
    from retrieval.qa_eval import evaluate_qa, read_questions

    try:
        items = read_questions(file)
        service = (services.answer_service if generate is None
                   else services.answer_service_with(generate=generate))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    services.ensure_knowledge_base(lambda m: click.echo(m, err=True))
    report = evaluate_qa(items, service.answer)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    for kind, figures in report.items():
        if isinstance(figures, dict):
            click.echo(f"{kind:<14} " + "  ".join(f"{k}={v}" for k, v in figures.items()))
    click.echo(f"false abstentions: {report['false_abstentions']}")
    click.echo(f"median cited passage: {report['median_cited_chars']} characters")
    for miss in report["misses"]:
        click.echo(f"  miss: {miss}", err=True)


@eval_group.command("followups")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--generator/--extractive", "generate", default=None,
              help="Rewrite with the language model (JITBOT_LLM_*) or the extractive rule "
                   "[default: as configured].")
@pass_services
def eval_followups(services: Services, file: Path, as_json: bool, generate: bool | None) -> None:
    """Share of two-turn conversations whose follow-up keeps its own question (followups.jsonl)."""
    from retrieval.followup import FollowupRewriter
    from retrieval.followup_eval import evaluate_followups

    try:
        items = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    except ValueError as error:
        raise click.ClickException(f"{file}: not JSON lines ({error})") from None
    if generate and services.text_generator is None:
        raise click.ClickException("--generator needs a language model: set JITBOT_LLM_PROVIDER, "
                                   "JITBOT_LLM_MODEL and JITBOT_LLM_BASE_URL")
    rewriter = services.followup_rewriter if generate is not False else FollowupRewriter()
    report = evaluate_followups(items, lambda item: rewriter.standalone(item["message"], [(item["previous"], "")]))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(f"conversations={report['n']}  kept={report['kept']}")
    for miss in report["misses"]:
        click.echo(f"  miss: {miss}", err=True)


@eval_group.command("beir")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", default="test", show_default=True, help="qrels split to score.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep passage vectors here, so a stopped run resumes where it was.")
@pass_services
def eval_beir(services: Services, directory: Path, split: str, as_json: bool,
              cache_dir: Path | None) -> None:
    """nDCG@10, recall@100, MRR@10 for dense, BM25 and hybrid on a BEIR corpus."""
    from retrieval.beir import evaluate_beir
    from retrieval.search import FusionConfig

    from .progress import indexing_progress

    for needed in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (directory / needed).exists():
            raise click.ClickException(f"{directory / needed} is missing (not a BEIR folder?)")
    s = services.settings
    fusion = FusionConfig(method=s.fusion, rrf_k=s.rrf_k, dense_weight=s.dense_weight)
    with indexing_progress() as bar:

        def progress(label: str, total: int):
            task = bar.add_task(label, total=total)
            return lambda n: bar.advance(task, n)

        report = evaluate_beir(directory, services.embedder, split=split, fusion=fusion,
                               progress=progress, cache_dir=cache_dir)
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(f"{'':<8}{'nDCG@10':>9}{'R@100':>8}{'MRR@10':>8}{'p50 ms':>8}{'p95 ms':>8}")
    for mode in ("bm25", "dense", "hybrid"):
        if mode in report:
            r = report[mode]
            click.echo(f"{mode:<8}{r['ndcg@10']:>9.4f}{r['recall@100']:>8.4f}{r['mrr@10']:>8.4f}"
                       f"{r['latency_ms_p50']:>8.1f}{r['latency_ms_p95']:>8.1f}")
    click.echo(json.dumps(report["meta"]), err=True)
    sys.stdout.flush()
