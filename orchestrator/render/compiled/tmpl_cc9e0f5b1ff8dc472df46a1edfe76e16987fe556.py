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
    l_0_rollout = resolve('rollout')
    l_0_rollback_to = resolve('rollback_to')
    l_0_apply_intent = resolve('apply_intent')
    l_0_history = resolve('history')
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
        t_3 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_4 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    try:
        t_5 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_6 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_7 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    try:
        t_8 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
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
    t_9 = 1
    for l_1_gate, l_1_loop in LoopContext((undefined(name='failed_gates') if l_0_failed_gates is missing else l_0_failed_gates), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(t_4(l_1_gate)))
        yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 13 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        t_9 = 0
    l_1_loop = l_1_gate = missing
    if t_9:
        pass
        yield 'none'
    yield '\n\nReason codes: '
    l_1_loop = missing
    t_10 = 1
    for l_1_code, l_1_loop in LoopContext((undefined(name='reason_codes') if l_0_reason_codes is missing else l_0_reason_codes), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(t_4(l_1_code)))
        yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 16 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        t_10 = 0
    l_1_loop = l_1_code = missing
    if t_10:
        pass
        yield 'none'
    yield '\n'
    template = environment.get_template('next-steps.md.j2', 'orchestrate-summary.md.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if (((undefined(name='status') if l_0_status is missing else l_0_status) == 'rolled_back') and (undefined(name='rollout') if l_0_rollout is missing else l_0_rollout)):
        pass
        yield '\n'
        if (t_7((undefined(name='rollback_to') if l_0_rollback_to is missing else l_0_rollback_to)) and (not t_8((undefined(name='rollback_to') if l_0_rollback_to is missing else l_0_rollback_to)))):
            pass
            yield 'Rolled back: autonomous expansion is paused and the canary share was set to '
            yield str(environment.finalize(environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'after'), 'canary_percent')))
            yield '%; `apply` with intent `resume` lifts the pause.\n'
        else:
            pass
            yield 'Rolled back: autonomous expansion is paused and the canary share is kept at '
            yield str(environment.finalize(environment.getattr(environment.getattr((undefined(name='rollout') if l_0_rollout is missing else l_0_rollout), 'after'), 'canary_percent')))
            yield '%; `apply` with intent `resume` lifts the pause at that share.\n'
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
    if (t_7((undefined(name='history') if l_0_history is missing else l_0_history)) and (undefined(name='history') if l_0_history is missing else l_0_history)):
        pass
        yield '\n**Canary history**\n\nThe canary share before (bars) and after (line) each apply in the apply telemetry, oldest first'
        yield str(environment.finalize((t_3(' (the last %d of %d)', t_6(environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'rows')), environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'total')) if (environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'total') > t_6(environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'rows'))) else cond_expr_undefined("the inline if-expression on line 56 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        yield '.\n\n```mermaid\nxychart-beta\n    title "Canary share per apply (percent)"\n    x-axis "apply, oldest first" ['
        l_1_loop = missing
        for l_1_label, l_1_loop in LoopContext(environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'labels'), undefined):
            _loop_vars = {}
            pass
            yield '"'
            yield str(environment.finalize(l_1_label))
            yield '"'
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 61 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        l_1_loop = l_1_label = missing
        yield ']\n    y-axis "percent" 0 --> 100\n    bar ['
        yield str(environment.finalize(t_5(context.eval_ctx, environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'before'), ', ')))
        yield ']\n    line ['
        yield str(environment.finalize(t_5(context.eval_ctx, environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'after'), ', ')))
        yield ']\n```\n\n| Apply | Time | Intent | Canary before | Canary after | Paused after | Replayed |\n| ---: | --- | --- | ---: | ---: | --- | --- |\n'
        for l_1_row in environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'rows'):
            _loop_vars = {}
            pass
            yield '| '
            yield str(environment.finalize(environment.getattr(l_1_row, 'number')))
            yield ' | '
            yield str(environment.finalize(t_1(environment.getattr(l_1_row, 'timestamp'))))
            yield ' | '
            yield str(environment.finalize(t_1(environment.getattr(l_1_row, 'intent'))))
            yield ' | '
            yield str(environment.finalize(environment.getattr(l_1_row, 'before')))
            yield ' | '
            yield str(environment.finalize(environment.getattr(l_1_row, 'after')))
            yield ' | '
            yield str(environment.finalize(('yes' if environment.getattr(l_1_row, 'paused') else 'no')))
            yield ' | '
            yield str(environment.finalize(('yes' if environment.getattr(l_1_row, 'replayed') else 'no')))
            yield ' |\n'
        l_1_row = missing
    if (undefined(name='overrides') if l_0_overrides is missing else l_0_overrides):
        pass
        yield '\nOverrides: '
        l_1_loop = missing
        for l_1_code, l_1_loop in LoopContext((undefined(name='overrides') if l_0_overrides is missing else l_0_overrides), undefined):
            _loop_vars = {}
            pass
            yield str(environment.finalize(t_2(l_1_code)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 75 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
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
debug_info = '3=76&4=79&7=82&9=84&11=86&13=90&16=103&18=114&19=120&21=123&22=126&24=131&27=133&29=136&31=138&35=141&36=145&37=149&38=152&41=156&45=159&46=161&47=163&48=165&49=167&50=169&52=171&56=174&61=177&63=186&64=188&69=190&70=194&73=209&75=213&79=220&81=223&84=226&86=228&88=230'