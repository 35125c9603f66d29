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
    l_0_freeze = resolve('freeze')
    l_0_rollout = resolve('rollout')
    l_0_rollback_to = resolve('rollback_to')
    l_0_apply_intent = resolve('apply_intent')
    l_0_history = resolve('history')
    l_0_overrides = resolve('overrides')
    l_0_error = resolve('error')
    l_0_trace_id = resolve('trace_id')
    l_0_evidence_digest = resolve('evidence_digest')
    l_0_decision_expires_at = resolve('decision_expires_at')
    l_0_result_file = resolve('result_file')
    l_0_ci_result_file = resolve('ci_result_file')
    try:
        t_1 = environment.filters['cell']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'cell' found.")
    try:
        t_2 = environment.filters['cellcode']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'cellcode' found.")
    try:
        t_3 = environment.filters['code']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'code' found.")
    try:
        t_4 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_5 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    try:
        t_6 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_7 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_8 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    try:
        t_9 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    yield '## Ops Manager Promotion Orchestration\n\n'
    if ((undefined(name='record') if l_0_record is missing else l_0_record) and environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'replayed')):
        pass
        yield '**Replayed:** '
        yield str(environment.finalize((undefined(name='replay_note') if l_0_replay_note is missing else l_0_replay_note)))
        yield '\n\n'
    yield 'Mode: '
    yield str(environment.finalize(t_3((undefined(name='mode') if l_0_mode is missing else l_0_mode))))
    yield '\n\nStatus: '
    yield str(environment.finalize(t_3((undefined(name='status') if l_0_status is missing else l_0_status))))
    yield '\n\nPromotion decision: '
    yield str(environment.finalize(t_3((undefined(name='decision') if l_0_decision is missing else l_0_decision))))
    yield '\n\nFailed gates: '
    l_1_loop = missing
    t_10 = 1
    for l_1_gate, l_1_loop in LoopContext((undefined(name='failed_gates') if l_0_failed_gates is missing else l_0_failed_gates), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(t_5(l_1_gate)))
        yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 13 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        t_10 = 0
    l_1_loop = l_1_gate = missing
    if t_10:
        pass
        yield 'none'
    yield '\n\nReason codes: '
    l_1_loop = missing
    t_11 = 1
    for l_1_code, l_1_loop in LoopContext((undefined(name='reason_codes') if l_0_reason_codes is missing else l_0_reason_codes), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(t_5(l_1_code)))
        yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 16 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        t_11 = 0
    l_1_loop = l_1_code = missing
    if t_11:
        pass
        yield 'none'
    yield '\n'
    template = environment.get_template('next-steps.md.j2', 'orchestrate-summary.md.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if (t_8((undefined(name='freeze') if l_0_freeze is missing else l_0_freeze)) and (undefined(name='freeze') if l_0_freeze is missing else l_0_freeze)):
        pass
        yield '\n| Change freeze | |\n| --- | --- |\n| Warning | a change freeze is active: expand and resume are refused (`promotion_change_freeze_active`); rollback is always allowed |\n| Window | '
        yield str(environment.finalize(t_2(environment.getattr((undefined(name='freeze') if l_0_freeze is missing else l_0_freeze), 'window'))))
        yield ' |\n| Reason | '
        yield str(environment.finalize(t_1(environment.getattr((undefined(name='freeze') if l_0_freeze is missing else l_0_freeze), 'reason'))))
        yield ' |\n| Ends at | '
        yield str(environment.finalize(t_2(environment.getattr((undefined(name='freeze') if l_0_freeze is missing else l_0_freeze), 'ends_at'))))
        yield ' |\n'
        if (environment.getattr((undefined(name='freeze') if l_0_freeze is missing else l_0_freeze), 'break_glass_approval_ref') and ((undefined(name='mode') if l_0_mode is missing else l_0_mode) == 'apply')):
            pass
            yield '| Break-glass approval | '
            yield str(environment.finalize(t_1(environment.getattr((undefined(name='freeze') if l_0_freeze is missing else l_0_freeze), 'break_glass_approval_ref'))))
            yield ' (recorded as `promotion_change_freeze_break_glass`) |\n'
        else:
            pass
            yield '| What to do | wait until it ends, or for an emergency apply with a second approval in `break-glass-approval-ref` |\n'
    if (((undefined(name='status') if l_0_status is missing else l_0_status) == 'rolled_back') and (undefined(name='rollout') if l_0_rollout is missing else l_0_rollout)):
        pass
        yield '\n'
        if (t_8((undefined(name='rollback_to') if l_0_rollback_to is missing else l_0_rollback_to)) and (not t_9((undefined(name='rollback_to') if l_0_rollback_to is missing else l_0_rollback_to)))):
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
        yield str(environment.finalize(t_3((undefined(name='apply_intent') if l_0_apply_intent is missing else l_0_apply_intent))))
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
        if environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'hash'):
            pass
            yield '| Record hash | '
            yield str(environment.finalize(t_2(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'hash'))))
            yield ' |\n'
    if (t_8((undefined(name='history') if l_0_history is missing else l_0_history)) and (undefined(name='history') if l_0_history is missing else l_0_history)):
        pass
        yield '\n**Canary history**\n\nThe canary share before (bars) and after (line) each apply in the apply telemetry, oldest first'
        yield str(environment.finalize((t_4(' (the last %d of %d)', t_7(environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'rows')), environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'total')) if (environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'total') > t_7(environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'rows'))) else cond_expr_undefined("the inline if-expression on line 73 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        yield '.\n\n```mermaid\nxychart-beta\n    title "Canary share per apply (percent)"\n    x-axis "apply, oldest first" ['
        l_1_loop = missing
        for l_1_label, l_1_loop in LoopContext(environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'labels'), undefined):
            _loop_vars = {}
            pass
            yield '"'
            yield str(environment.finalize(l_1_label))
            yield '"'
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 78 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        l_1_loop = l_1_label = missing
        yield ']\n    y-axis "percent" 0 --> 100\n    bar ['
        yield str(environment.finalize(t_6(context.eval_ctx, environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'before'), ', ')))
        yield ']\n    line ['
        yield str(environment.finalize(t_6(context.eval_ctx, environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'after'), ', ')))
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
            yield str(environment.finalize(t_3(l_1_code)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 92 in 'orchestrate-summary.md.j2' evaluated to false and no else section was defined."))))
        l_1_loop = l_1_code = missing
        yield '\n\n'
    if (undefined(name='error') if l_0_error is missing else l_0_error):
        pass
        yield '\nError: '
        yield str(environment.finalize((undefined(name='error') if l_0_error is missing else l_0_error)))
        yield '\n'
    yield '\nTrace id: '
    yield str(environment.finalize((t_3((undefined(name='trace_id') if l_0_trace_id is missing else l_0_trace_id)) if (undefined(name='trace_id') if l_0_trace_id is missing else l_0_trace_id) else 'none')))
    yield '\n'
    if (t_8((undefined(name='evidence_digest') if l_0_evidence_digest is missing else l_0_evidence_digest)) and (undefined(name='evidence_digest') if l_0_evidence_digest is missing else l_0_evidence_digest)):
        pass
        yield '\nEvidence digest: '
        yield str(environment.finalize(t_3((undefined(name='evidence_digest') if l_0_evidence_digest is missing else l_0_evidence_digest))))
        yield '\n\nDecision expires at: '
        yield str(environment.finalize((t_3((undefined(name='decision_expires_at') if l_0_decision_expires_at is missing else l_0_decision_expires_at)) if (undefined(name='decision_expires_at') if l_0_decision_expires_at is missing else l_0_decision_expires_at) else 'never')))
        yield '\n'
    yield '\nResult JSON: '
    yield str(environment.finalize(t_3((undefined(name='result_file') if l_0_result_file is missing else l_0_result_file))))
    yield '\n\nPromotion CI result: '
    yield str(environment.finalize(t_3((undefined(name='ci_result_file') if l_0_ci_result_file is missing else l_0_ci_result_file))))
    yield '\n'

blocks = {}
debug_info = '3=85&4=88&7=91&9=93&11=95&13=99&16=112&18=123&19=129&24=132&25=134&26=136&27=138&28=141&33=146&35=149&36=152&38=157&41=159&43=162&45=164&49=167&50=171&51=175&52=178&55=182&59=185&60=187&61=189&62=191&63=193&64=195&65=197&66=200&69=202&73=205&78=208&80=217&81=219&86=221&87=225&90=240&92=244&96=251&98=254&101=257&102=259&104=262&106=264&109=267&111=269'