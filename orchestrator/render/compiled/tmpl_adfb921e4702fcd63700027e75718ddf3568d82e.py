from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'ci-summary.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_decision = resolve('decision')
    l_0_skipped = resolve('skipped')
    l_0_reason_codes = resolve('reason_codes')
    l_0_missing_paths = resolve('missing_paths')
    l_0_failed_gates = resolve('failed_gates')
    l_0_rows = resolve('rows')
    l_0_changes = resolve('changes')
    l_0_window = resolve('window')
    l_0_result_file = resolve('result_file')
    l_0_promotion_state_file = resolve('promotion_state_file')
    l_0_promotion_telemetry_file = resolve('promotion_telemetry_file')
    l_0_trace_id = resolve('trace_id')
    l_0_evidence_digest = resolve('evidence_digest')
    l_0_decision_expires_at = resolve('decision_expires_at')
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
        t_6 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    pass
    yield '## Ops Manager Promotion CI\n\nDecision: '
    yield str(environment.finalize(t_3((undefined(name='decision') if l_0_decision is missing else l_0_decision))))
    yield '\n\n'
    if (undefined(name='skipped') if l_0_skipped is missing else l_0_skipped):
        pass
        yield 'Reason codes: '
        l_1_loop = missing
        for l_1_code, l_1_loop in LoopContext((undefined(name='reason_codes') if l_0_reason_codes is missing else l_0_reason_codes), undefined):
            _loop_vars = {}
            pass
            yield str(environment.finalize(t_3(l_1_code)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 6 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
        l_1_loop = l_1_code = missing
        yield '\n\n\nMissing evidence paths:\n'
        for l_1_path in (undefined(name='missing_paths') if l_0_missing_paths is missing else l_0_missing_paths):
            _loop_vars = {}
            pass
            yield '- '
            yield str(environment.finalize(t_3(l_1_path)))
            yield '\n'
        l_1_path = missing
        template = environment.get_template('next-steps.md.j2', 'ci-summary.md.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
    else:
        pass
        yield 'Failed gates: '
        l_1_loop = missing
        t_7 = 1
        for l_1_gate, l_1_loop in LoopContext((undefined(name='failed_gates') if l_0_failed_gates is missing else l_0_failed_gates), undefined):
            _loop_vars = {}
            pass
            yield str(environment.finalize(t_4(l_1_gate)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 16 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
            t_7 = 0
        l_1_loop = l_1_gate = missing
        if t_7:
            pass
            yield 'none'
        yield '\n\nReason codes: '
        l_1_loop = missing
        t_8 = 1
        for l_1_code, l_1_loop in LoopContext((undefined(name='reason_codes') if l_0_reason_codes is missing else l_0_reason_codes), undefined):
            _loop_vars = {}
            pass
            yield str(environment.finalize(t_4(l_1_code)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 19 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
            t_8 = 0
        l_1_loop = l_1_code = missing
        if t_8:
            pass
            yield 'none'
        yield '\n\n| Gate | Status | Observed | Threshold | Reason codes |\n| --- | --- | --- | --- | --- |\n'
        l_1_loop = missing
        for l_1_row, l_1_loop in LoopContext((undefined(name='rows') if l_0_rows is missing else l_0_rows), undefined):
            _loop_vars = {}
            pass
            yield '| '
            yield str(environment.finalize(t_2(environment.getattr(l_1_row, 'name'))))
            yield ' | '
            yield str(environment.finalize(('✅ pass' if (environment.getattr(l_1_row, 'status') == 'pass') else '❌ fail')))
            yield ' | '
            yield str(environment.finalize(t_1(environment.getattr(l_1_row, 'observed'))))
            yield ' | '
            yield str(environment.finalize(t_1(environment.getattr(l_1_row, 'threshold'))))
            yield ' | '
            l_2_loop = missing
            t_9 = 1
            for l_2_code, l_2_loop in LoopContext(environment.getattr(l_1_row, 'reasons'), undefined):
                _loop_vars = {}
                pass
                yield str(environment.finalize(t_2(l_2_code)))
                yield str(environment.finalize((', ' if (not environment.getattr(l_2_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 25 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
                t_9 = 0
            l_2_loop = l_2_code = missing
            if t_9:
                pass
                yield 'none'
            yield ' |\n'
        l_1_loop = l_1_row = missing
        if (undefined(name='changes') if l_0_changes is missing else l_0_changes):
            pass
            yield '\n### What would have to change for promote\n\n'
            for l_1_change in (undefined(name='changes') if l_0_changes is missing else l_0_changes):
                _loop_vars = {}
                pass
                yield '- '
                yield str(environment.finalize(l_1_change))
                yield '\n'
            l_1_change = missing
        template = environment.get_template('next-steps.md.j2', 'ci-summary.md.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
        if (t_6((undefined(name='window') if l_0_window is missing else l_0_window)) and (undefined(name='window') if l_0_window is missing else l_0_window)):
            pass
            yield '\n**Reliability window**\n\nEach autonomous run the gate judged, oldest first: bars are the failed share of its requested\nintents, the lines its ambiguous share, the failure threshold ('
            yield str(environment.finalize(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'max_failure')))
            yield '%) and the\nambiguity threshold ('
            yield str(environment.finalize(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'max_ambiguity')))
            yield '%), in percent.\n\n```mermaid\nxychart-beta\n    title "Reliability window (percent of requested intents)"\n    x-axis "run, oldest first" ['
            l_1_loop = missing
            for l_1_label, l_1_loop in LoopContext(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'labels'), undefined):
                _loop_vars = {}
                pass
                yield '"'
                yield str(environment.finalize(l_1_label))
                yield '"'
                yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 47 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
            l_1_loop = l_1_label = missing
            yield ']\n    y-axis "percent" 0 --> '
            yield str(environment.finalize(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'y_max')))
            yield '\n    bar ['
            yield str(environment.finalize(t_5(context.eval_ctx, environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'failed'), ', ')))
            yield ']\n    line ['
            yield str(environment.finalize(t_5(context.eval_ctx, environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'ambiguous'), ', ')))
            yield ']\n    line ['
            l_1_loop = missing
            for l_1_label, l_1_loop in LoopContext(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'labels'), undefined):
                _loop_vars = {}
                pass
                yield str(environment.finalize(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'max_failure')))
                yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 51 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
            l_1_loop = l_1_label = missing
            yield ']\n    line ['
            l_1_loop = missing
            for l_1_label, l_1_loop in LoopContext(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'labels'), undefined):
                _loop_vars = {}
                pass
                yield str(environment.finalize(environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'max_ambiguity')))
                yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 52 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
            l_1_loop = l_1_label = missing
            yield ']\n```\n\n| Run | Line | Requested | Failed | Ambiguous | Failed % | Ambiguous % |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
            for l_1_row in environment.getattr((undefined(name='window') if l_0_window is missing else l_0_window), 'rows'):
                _loop_vars = {}
                pass
                yield '| '
                yield str(environment.finalize(environment.getattr(l_1_row, 'run')))
                yield ' | '
                yield str(environment.finalize(environment.getattr(l_1_row, 'line')))
                yield ' | '
                yield str(environment.finalize(environment.getattr(l_1_row, 'requested')))
                yield ' | '
                yield str(environment.finalize(environment.getattr(l_1_row, 'failed')))
                yield ' | '
                yield str(environment.finalize(environment.getattr(l_1_row, 'ambiguous')))
                yield ' | '
                yield str(environment.finalize(environment.getattr(l_1_row, 'failed_share')))
                yield ' | '
                yield str(environment.finalize(environment.getattr(l_1_row, 'ambiguous_share')))
                yield ' |\n'
            l_1_row = missing
        yield '\nResult JSON: '
        yield str(environment.finalize(t_3((undefined(name='result_file') if l_0_result_file is missing else l_0_result_file))))
        yield '\n\nPromotion state: '
        yield str(environment.finalize(t_3((undefined(name='promotion_state_file') if l_0_promotion_state_file is missing else l_0_promotion_state_file))))
        yield '\n\nPromotion telemetry: '
        yield str(environment.finalize(t_3((undefined(name='promotion_telemetry_file') if l_0_promotion_telemetry_file is missing else l_0_promotion_telemetry_file))))
        yield '\n\nTrace id: '
        yield str(environment.finalize(t_3((undefined(name='trace_id') if l_0_trace_id is missing else l_0_trace_id))))
        yield '\n'
        if (t_6((undefined(name='evidence_digest') if l_0_evidence_digest is missing else l_0_evidence_digest)) and (undefined(name='evidence_digest') if l_0_evidence_digest is missing else l_0_evidence_digest)):
            pass
            yield '\nEvidence digest: '
            yield str(environment.finalize(t_3((undefined(name='evidence_digest') if l_0_evidence_digest is missing else l_0_evidence_digest))))
            yield '\n\nDecision expires at: '
            yield str(environment.finalize((t_3((undefined(name='decision_expires_at') if l_0_decision_expires_at is missing else l_0_decision_expires_at)) if (undefined(name='decision_expires_at') if l_0_decision_expires_at is missing else l_0_decision_expires_at) else 'never')))
            yield '\n'

blocks = {}
debug_info = '3=62&5=64&6=68&11=75&12=79&14=82&16=93&19=106&24=118&25=122&27=144&31=147&32=151&35=154&36=160&41=163&42=165&47=168&48=177&49=179&50=181&51=184&52=192&57=199&58=203&62=219&64=221&66=223&68=225&69=227&71=230&73=232'