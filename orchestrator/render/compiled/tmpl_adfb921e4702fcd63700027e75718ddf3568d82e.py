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
    l_0_result_file = resolve('result_file')
    l_0_promotion_state_file = resolve('promotion_state_file')
    l_0_promotion_telemetry_file = resolve('promotion_telemetry_file')
    l_0_trace_id = resolve('trace_id')
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
    else:
        pass
        yield 'Failed gates: '
        l_1_loop = missing
        t_5 = 1
        for l_1_gate, l_1_loop in LoopContext((undefined(name='failed_gates') if l_0_failed_gates is missing else l_0_failed_gates), undefined):
            _loop_vars = {}
            pass
            yield str(environment.finalize(t_4(l_1_gate)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 15 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
            t_5 = 0
        l_1_loop = l_1_gate = missing
        if t_5:
            pass
            yield 'none'
        yield '\n\nReason codes: '
        l_1_loop = missing
        t_6 = 1
        for l_1_code, l_1_loop in LoopContext((undefined(name='reason_codes') if l_0_reason_codes is missing else l_0_reason_codes), undefined):
            _loop_vars = {}
            pass
            yield str(environment.finalize(t_4(l_1_code)))
            yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 18 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
            t_6 = 0
        l_1_loop = l_1_code = missing
        if t_6:
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
            t_7 = 1
            for l_2_code, l_2_loop in LoopContext(environment.getattr(l_1_row, 'reasons'), undefined):
                _loop_vars = {}
                pass
                yield str(environment.finalize(t_2(l_2_code)))
                yield str(environment.finalize((', ' if (not environment.getattr(l_2_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 24 in 'ci-summary.md.j2' evaluated to false and no else section was defined."))))
                t_7 = 0
            l_2_loop = l_2_code = missing
            if t_7:
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
        yield '\nResult JSON: '
        yield str(environment.finalize(t_3((undefined(name='result_file') if l_0_result_file is missing else l_0_result_file))))
        yield '\n\nPromotion state: '
        yield str(environment.finalize(t_3((undefined(name='promotion_state_file') if l_0_promotion_state_file is missing else l_0_promotion_state_file))))
        yield '\n\nPromotion telemetry: '
        yield str(environment.finalize(t_3((undefined(name='promotion_telemetry_file') if l_0_promotion_telemetry_file is missing else l_0_promotion_telemetry_file))))
        yield '\n\nTrace id: '
        yield str(environment.finalize(t_3((undefined(name='trace_id') if l_0_trace_id is missing else l_0_trace_id))))
        yield '\n'

blocks = {}
debug_info = '3=47&5=49&6=53&11=60&12=64&15=72&18=85&23=97&24=101&26=123&30=126&31=130&35=134&37=136&39=138&41=140'