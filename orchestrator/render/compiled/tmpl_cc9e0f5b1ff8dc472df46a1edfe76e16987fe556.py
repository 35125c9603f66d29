from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'orchestrate-summary.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_record = resolve('record')
    l_0_replay_note = resolve('replay_note')
    l_0_mode = resolve('mode')
    l_0_status = resolve('status')
    l_0_decision = resolve('decision')
    l_0_failed_gates = resolve('failed_gates')
    l_0_reason_codes = resolve('reason_codes')
    l_0_apply_intent = resolve('apply_intent')
    l_0_rollout = resolve('rollout')
    l_0_overrides = resolve('overrides')
    l_0_error = resolve('error')
    l_0_trace_id = resolve('trace_id')
    l_0_result_file = resolve('result_file')
    l_0_ci_result_file = resolve('ci_result_file')
    try:
        t_1 = environment.filters['cell']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'cell' found.")
    try:
        t_2 = environment.filters['code']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'code' found.")
    try:
        t_3 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    pass
    yield '## Ops Manager Promotion Orchestration\n\n'
    if ((undefined(name='record') if l_0_record is missing else l_0_record) and environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'replayed')):
        pass
        yield '**Replayed:** '
        yield str(environment.finalize((undefined(name='replay_note') if l_0_replay_note is missing else l_0_replay_note)))
        yield '\n\n'
    yield 'Mode: '
    yield str(environment.finalize(t_2((undefined(name='mode') if l_0_mode is missing else l_0_mode))))
    yield '\n\nStatus: '
    yield str(environment.finalize(t_2((undefined(name='status') if l_0_status is missing else l_0_status))))
    yield '\n\nPromotion decision: '
    yield str(environment.finalize(t_2((undefined(name='decision') if l_0_decision is missing else l_0_decision))))
    yield '\n\nFailed gates: '
    l_1_loop = missing
    t_4 = 1
    for l_1_gate, l_1_loop in LoopContext((undefined(name='failed_gates') if l_0_failed_gates is missing else l_0_failed_gates), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(t_3(l_1_gate)))
        yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 13 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        t_4 = 0
    l_1_loop = l_1_gate = missing
    if t_4:
        pass
        yield 'none'
    yield '\n\nReason codes: '
    l_1_loop = missing
    t_5 = 1
    for l_1_code, l_1_loop in LoopContext((undefined(name='reason_codes') if l_0_reason_codes is missing else l_0_reason_codes), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(t_3(l_1_code)))
        yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 16 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        t_5 = 0
    l_1_loop = l_1_code = missing
    if t_5:
        pass
        yield 'none'
    yield '\n'
    if (undefined(name='apply_intent') if l_0_apply_intent is missing else l_0_apply_intent):
        pass
        yield '\nApply intent: '
        yield str(environment.finalize(t_2((undefined(name='apply_intent') if l_0_apply_intent is missing else l_0_apply_intent))))
        yield '\n'
    if (undefined(name='rollout') if l_0_rollout is missing else l_0_rollout):
        pass
        yield '\n| Rollout | Canary percent | Manual pause |\n| --- | --- | --- |\n| before | '
        yield str(environment.finalize(environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'before'), 'canary_percent')))
        yield ' | '
        yield str(environment.finalize(('yes' if environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'before'), 'manual_pause') else 'no')))
        yield ' |\n| after | '
        yield str(environment.finalize(environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'after'), 'canary_percent')))
        yield ' | '
        yield str(environment.finalize(('yes' if environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'after'), 'manual_pause') else 'no')))
        yield ' |\n'
        if (environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'current') and (environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'current') != environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'after'))):
            pass
            yield '| now | '
            yield str(environment.finalize(environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'current'), 'canary_percent')))
            yield ' | '
            yield str(environment.finalize(('yes' if environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'current'), 'manual_pause') else 'no')))
            yield ' |\n'
    if (undefined(name='record') if l_0_record is missing else l_0_record):
        pass
        yield '\n| Governance | |\n| --- | --- |\n| Actor | '
        yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'actor'))))
        yield ' |\n| Approval | '
        yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'approval_ref'))))
        yield ' |\n| Rationale | '
        yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'rationale'))))
        yield ' |\n| Review by | '
        yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'review_by'))))
        yield ' |\n| Idempotency key | '
        yield str(environment.finalize((t_1(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'idempotency_key')) if environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'idempotency_key') else 'none')))
        yield ' |\n| Replayed | '
        yield str(environment.finalize(('yes' if environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'replayed') else 'no')))
        yield ' |\n'
    if (undefined(name='overrides') if l_0_overrides is missing else l_0_overrides):
        pass
        yield '\nOverrides: '
        l_1_loop = missing
        for l_1_code, l_1_loop in LoopContext((undefined(name='overrides') if l_0_overrides is missing else l_0_overrides), undefined):
            _loop_vars = {}
            pass
            yield str(environment.finalize(t_2(l_1_code)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 45 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        l_1_loop = l_1_code = missing
        yield '\n\n'
    if (undefined(name='error') if l_0_error is missing else l_0_error):
        pass
        yield '\nError: '
        yield str(environment.finalize((undefined(name='error') if l_0_error is missing else l_0_error)))
        yield '\n'
    yield '\nTrace id: '
    yield str(environment.finalize((t_2((undefined(name='trace_id') if l_0_trace_id is missing else l_0_trace_id)) if (undefined(name='trace_id') if l_0_trace_id is missing else l_0_trace_id) else 'none')))
    yield '\n\nResult JSON: '
    yield str(environment.finalize(t_2((undefined(name='result_file') if l_0_result_file is missing else l_0_result_file))))
    yield '\n\nPromotion CI result: '
    yield str(environment.finalize(t_2((undefined(name='ci_result_file') if l_0_ci_result_file is missing else l_0_ci_result_file))))
    yield '\n'

blocks = {}
debug_info = '3=44&4=47&7=50&9=52&11=54&13=58&16=71&18=82&20=85&22=87&26=90&27=94&28=98&29=101&32=105&36=108&37=110&38=112&39=114&40=116&41=118&43=120&45=124&49=131&51=134&54=137&56=139&58=141'