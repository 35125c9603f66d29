from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'next-steps.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_next_steps = resolve('next_steps')
    try:
        t_1 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    pass
    if (t_1((undefined(name='next_steps') if l_0_next_steps is missing else l_0_next_steps)) and (undefined(name='next_steps') if l_0_next_steps is missing else l_0_next_steps)):
        pass
        yield '\n**What to do next**\n\n'
        for l_1_step in (undefined(name='next_steps') if l_0_next_steps is missing else l_0_next_steps):
            _loop_vars = {}
            pass
            yield '- '
            yield str(environment.finalize(l_1_step))
            yield '\n'
        l_1_step = missing

blocks = {}
debug_info = '1=18&5=21&6=25'