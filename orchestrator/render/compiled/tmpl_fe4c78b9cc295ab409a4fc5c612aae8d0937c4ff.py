from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'pull-request.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_record = resolve('record')
    l_0_decision_summary = resolve('decision_summary')
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
    pass
    yield '## Promotion rollout: '
    yield str(environment.finalize(t_3(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'intent'))))
    yield ' for '
    yield str(environment.finalize(t_3(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'fleet_id'))))
    yield '\n\n| | |\n| --- | --- |\n| Canary percent | '
    yield str(environment.finalize(environment.getattr(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'rollout'), 'before'), 'canary_percent')))
    yield ' → '
    yield str(environment.finalize(environment.getattr(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'rollout'), 'after'), 'canary_percent')))
    yield ' |\n| Manual pause | '
    yield str(environment.finalize(('yes' if environment.getattr(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'rollout'), 'before'), 'manual_pause') else 'no')))
    yield ' → '
    yield str(environment.finalize(('yes' if environment.getattr(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'rollout'), 'after'), 'manual_pause') else 'no')))
    yield ' |\n| Actor | '
    yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'actor'))))
    yield ' |\n| Approval | '
    yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'approval_ref'))))
    yield ' |\n| Rationale | '
    yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'rationale'))))
    yield ' |\n| Review by | '
    yield str(environment.finalize(t_1(environment.getattr(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'governance'), 'review_by'))))
    yield ' |\n| Trace id | '
    yield str(environment.finalize(t_2(environment.getattr((undefined(name='record') if l_0_record is missing else l_0_record), 'trace_id'))))
    yield ' |\n\nMerging this pull request applies the change; the apply telemetry line is part of it.\n\n'
    yield str(environment.finalize((undefined(name='decision_summary') if l_0_decision_summary is missing else l_0_decision_summary)))
    yield '\n'

blocks = {}
debug_info = '1=32&5=36&6=40&7=44&8=46&9=48&10=50&11=52&15=54'